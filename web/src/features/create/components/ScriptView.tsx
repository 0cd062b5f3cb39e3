import { Descriptions, Space, Table, Typography } from 'antd';
import type { Shot, VideoScript } from '../../../client/types.gen';
import { fmt } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';
import { clock, shotsStart, type Timed, timeline } from '../timing';
import { FlaggedText } from './FlaggedText';

const t = zhCN.create;

/** A video script: the hook, then a shot table with each shot's time in the video, then the call to action. */
export function ScriptView({ script, terms }: { script: VideoScript; terms: readonly string[] }) {
  const flagged = (text: string) => <FlaggedText text={text} terms={terms} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="script">
      <Typography.Title level={5}>
        {flagged(script.title)}{' '}
        <Typography.Text type="secondary">
          {fmt(t.totalDuration, { seconds: script.total_duration_seconds })}
        </Typography.Text>
      </Typography.Title>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={`${t.hook} 0:00–${clock(script.hook.duration_seconds)}`}>
          {flagged(script.hook.text)}
          <br />
          <Typography.Text type="secondary">{script.hook.visual}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Table<Timed<Shot>>
        size="small"
        pagination={false}
        rowKey={(row) => row.item.index}
        dataSource={timeline(shotsStart(script), script.shots)}
        data-testid="shots"
        scroll={{ x: 900 }}
        columns={[
          { title: t.shot.index, width: 60, render: (_, row) => row.item.index },
          {
            title: t.shot.time,
            width: 110,
            render: (_, row) => `${clock(row.start)}–${clock(row.end)}`,
          },
          {
            title: t.shot.duration,
            width: 70,
            render: (_, row) => `${row.item.duration_seconds}s`,
          },
          { title: t.shot.shotSize, width: 80, render: (_, row) => row.item.shot_size },
          { title: t.shot.camera, width: 80, render: (_, row) => row.item.camera_movement },
          { title: t.shot.visual, render: (_, row) => row.item.visual },
          { title: t.shot.line, render: (_, row) => flagged(row.item.line) },
          { title: t.shot.onScreen, render: (_, row) => flagged(row.item.on_screen_text) },
        ]}
      />
      <Typography.Paragraph>
        <Typography.Text strong>{t.callToAction}：</Typography.Text>
        {flagged(script.call_to_action)}
      </Typography.Paragraph>
    </Space>
  );
}
