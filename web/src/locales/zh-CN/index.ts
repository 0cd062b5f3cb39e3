import accounts from './accounts';
import auth from './auth';
import calendar from './calendar';
import common from './common';
import contents from './contents';
import create from './create';
import customers from './customers';
import inbox from './inbox';
import insights from './insights';
import journeys from './journeys';
import materials from './materials';
import menu from './menu';

/** Every string of the console, by area; another language is another folder of the same shape. */
export const zhCN = {
  common,
  menu,
  auth,
  create,
  contents,
  inbox,
  customers,
  journeys,
  materials,
  insights,
  accounts,
  calendar,
} as const;
export type Messages = typeof zhCN;
