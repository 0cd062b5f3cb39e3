import { Typography } from 'antd';
import { against } from '../platforms';

/** "12 / 20", in red once over the platform's limit. */
export function Counter({ text, max, testId }: { text: string; max?: number; testId?: string }) {
  const { count, over } = against(text, max);
  return (
    <Typography.Text type={over ? 'danger' : 'secondary'} data-testid={testId ?? 'counter'}>
      {max === undefined ? count : `${count} / ${max}`}
    </Typography.Text>
  );
}
