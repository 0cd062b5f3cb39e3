import { Button, Popconfirm, Space } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.insights.settings;

interface RowActionsOptions<T> {
  onEdit: (row: T) => void;
  /** Deletes (or archives) the row after the user confirms; its promise keeps the confirm busy. A refusal is
   * the caller's to say (its mutation's `onError`); here it only ends the wait. */
  onRemove: (row: T) => Promise<unknown>;
  removeLabel?: string;
  /** Names the edit button per row, for tests. */
  editTestId?: (row: T) => string;
}

/** The settings tables' last column: edit, and remove behind a confirmation. */
export function rowActionsColumn<T>({
  onEdit,
  onRemove,
  removeLabel = t.delete,
  editTestId,
}: RowActionsOptions<T>): ColumnType<T> {
  return {
    title: '',
    key: 'actions',
    width: 140,
    render: (_: unknown, row: T) => (
      <Space size={4}>
        <Button size="small" onClick={() => onEdit(row)} data-testid={editTestId?.(row)}>
          {t.edit}
        </Button>
        <Popconfirm title={t.confirmDelete} onConfirm={() => onRemove(row).catch(() => undefined)}>
          <Button size="small" danger>
            {removeLabel}
          </Button>
        </Popconfirm>
      </Space>
    ),
  };
}
