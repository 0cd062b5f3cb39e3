import accounts from './accounts';
import auth from './auth';
import calendar from './calendar';
import common from './common';
import contents from './contents';
import create from './create';
import menu from './menu';

/** Every string of the console, by area; another language is another folder of the same shape. */
export const zhCN = { common, menu, auth, create, contents, accounts, calendar } as const;
export type Messages = typeof zhCN;
