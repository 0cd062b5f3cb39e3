import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Input, InputNumber, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { PlatformRules, VideoScript } from '../../client/types.gen';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { Counter } from '../create/components/Counter';
import { platformLabel, usePlatformRules } from '../create/platforms';
import { clock, shotsStart, timeline } from '../create/timing';
import {
  type BodyValues,
  blankShot,
  bodyOf,
  type CandidateRow,
  type CopyRow,
  type ImageRow,
  move,
  rowKey,
  type ShotRow,
} from './bodies';

const t = zhCN.contents.form;
const tc = zhCN.create;

type Of<K extends BodyValues['kind']> = Extract<BodyValues, { kind: K }>;
interface EditorProps<K extends BodyValues['kind']> {
  value: Of<K>;
  onChange: (next: Of<K>) => void;
}

function Label({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ marginBottom: 4 }}>
      <Typography.Text strong>{children}</Typography.Text> {extra}
    </div>
  );
}

/** Up, down and remove (where the list may shrink) for a row of a list; its last row stays. */
function RowActions({
  index,
  count,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  onMove: (to: number) => void;
  onRemove?: () => void;
}) {
  return (
    <Space size={2}>
      <Button
        size="small"
        type="text"
        icon={<ArrowUpOutlined />}
        aria-label={t.moveUp}
        disabled={index === 0}
        onClick={() => onMove(index - 1)}
        data-testid="move-up"
      />
      <Button
        size="small"
        type="text"
        icon={<ArrowDownOutlined />}
        aria-label={t.moveDown}
        disabled={index === count - 1}
        onClick={() => onMove(index + 1)}
        data-testid="move-down"
      />
      {onRemove && (
        <Button
          size="small"
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t.remove}
          disabled={count === 1}
          onClick={onRemove}
          data-testid="remove"
        />
      )}
    </Space>
  );
}

function Hashtags({
  value,
  onChange,
  rules,
  testId,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  rules?: PlatformRules;
  testId: string;
}) {
  const off = rules !== undefined && (value.length < rules.hashtag_min || value.length > rules.hashtag_max);
  return (
    <div>
      <Label
        extra={
          rules && (
            <Typography.Text type={off ? 'danger' : 'secondary'}>
              {value.length} · {fmt(tc.hashtagRule, { min: rules.hashtag_min, max: rules.hashtag_max })}
            </Typography.Text>
          )
        }
      >
        {t.hashtags}
      </Label>
      <Select
        mode="tags"
        value={value}
        onChange={onChange}
        tokenSeparators={[' ', ',', '，']}
        open={false}
        suffixIcon={null}
        placeholder={t.hashtagsHint}
        style={{ width: '100%' }}
        data-testid={testId}
      />
    </div>
  );
}

function TitlesEditor({ value, onChange }: EditorProps<'titles'>) {
  const rows = value.candidates;
  const set = (candidates: CandidateRow[]) => onChange({ ...value, candidates });
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="edit-candidates">
      <Label>{t.candidates}</Label>
      {rows.map((row, index) => (
        <Space key={row.key} style={{ width: '100%' }} align="center" data-testid="edit-candidate">
          <Typography.Text type="secondary">{index + 1}.</Typography.Text>
          <Input
            value={row.text}
            aria-label={fmt(t.candidate, { n: index + 1 })}
            onChange={(e) => set(rows.map((r) => (r.key === row.key ? { ...r, text: e.target.value } : r)))}
            style={{ width: 380 }}
            data-testid="candidate-text"
          />
          <Counter text={row.text} />
          <Tag>{row.source ? row.source.formula : t.manual}</Tag>
          <RowActions
            index={index}
            count={rows.length}
            onMove={(to) => set(move(rows, index, to))}
            onRemove={() => set(rows.filter((r) => r.key !== row.key))}
          />
        </Space>
      ))}
      <Button
        type="dashed"
        icon={<PlusOutlined />}
        onClick={() => set([...rows, { key: rowKey(), text: '', source: null }])}
        data-testid="add-candidate"
      >
        {t.addCandidate}
      </Button>
    </Space>
  );
}

function CopyEditor({ value, onChange }: EditorProps<'copywriting'>) {
  const rules = usePlatformRules();
  const update = (platform: string, patch: Partial<CopyRow>) =>
    onChange({
      ...value,
      copies: value.copies.map((c) => (c.platform === platform ? { ...c, ...patch } : c)),
    });
  return (
    <Row gutter={[12, 12]}>
      {value.copies.map((copy) => {
        const limits = rules.byPlatform.get(copy.platform);
        return (
          <Col key={copy.platform} xs={24} md={12}>
            <Card
              size="small"
              title={platformLabel(copy.platform)}
              data-testid={`edit-copy-${copy.platform}`}
            >
              <Space direction="vertical" style={{ width: '100%' }}>
                <div>
                  <Label extra={<Counter text={copy.title} max={limits?.title_max} testId="title-counter" />}>
                    {t.copyTitle}
                  </Label>
                  <Input
                    value={copy.title}
                    onChange={(e) => update(copy.platform, { title: e.target.value })}
                    data-testid="copy-title"
                  />
                </div>
                <div>
                  <Label extra={<Counter text={copy.body} max={limits?.body_max} testId="body-counter" />}>
                    {t.copyBody}
                  </Label>
                  <Input.TextArea
                    value={copy.body}
                    autoSize={{ minRows: 4, maxRows: 14 }}
                    onChange={(e) => update(copy.platform, { body: e.target.value })}
                    data-testid="copy-body"
                  />
                </div>
                <Hashtags
                  value={copy.hashtags}
                  onChange={(hashtags) => update(copy.platform, { hashtags })}
                  rules={limits}
                  testId="copy-hashtags"
                />
              </Space>
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

function PostEditor({ value, onChange }: EditorProps<'image_post'>) {
  const rules = usePlatformRules();
  const limits = rules.byPlatform.get(value.platform);
  const images = value.images;
  const setImages = (next: ImageRow[]) => onChange({ ...value, images: next });
  const updateImage = (key: string, patch: Partial<ImageRow>) =>
    setImages(images.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="edit-post">
      <div>
        <Label extra={<Counter text={value.title} max={limits?.title_max} testId="title-counter" />}>
          {t.postTitle}
        </Label>
        <Input
          value={value.title}
          onChange={(e) => onChange({ ...value, title: e.target.value })}
          data-testid="post-title"
        />
      </div>
      <div>
        <Label extra={<Counter text={value.body} max={limits?.body_max} testId="body-counter" />}>
          {t.postBody}
        </Label>
        <Input.TextArea
          value={value.body}
          autoSize={{ minRows: 4, maxRows: 14 }}
          onChange={(e) => onChange({ ...value, body: e.target.value })}
          data-testid="post-body"
        />
      </div>
      <Hashtags
        value={value.hashtags}
        onChange={(hashtags) => onChange({ ...value, hashtags })}
        rules={limits}
        testId="post-hashtags"
      />
      {images.length > 0 && (
        <div>
          <Label extra={<Typography.Text type="secondary">{t.imageOrderNote}</Typography.Text>}>
            {t.images}
          </Label>
          {images.map((image, index) => (
            <Space key={image.key} align="center" style={{ width: '100%' }} data-testid="edit-image">
              <Typography.Text type="secondary">{index + 1}.</Typography.Text>
              <Input
                value={image.caption}
                aria-label={t.imageCaption}
                placeholder={t.imageCaption}
                onChange={(e) => updateImage(image.key, { caption: e.target.value })}
                data-testid="image-caption"
              />
              <Input
                value={image.text}
                aria-label={t.imageText}
                placeholder={t.imageText}
                onChange={(e) => updateImage(image.key, { text: e.target.value })}
                style={{ width: 260 }}
                data-testid="image-text"
              />
              <RowActions
                index={index}
                count={images.length}
                onMove={(to) => setImages(move(images, index, to))}
              />
            </Space>
          ))}
        </div>
      )}
    </Space>
  );
}

type TextField = 'shot_size' | 'camera_movement' | 'visual' | 'line' | 'on_screen_text';
const FIELD_LABELS: Record<TextField, string> = {
  shot_size: tc.shot.shotSize,
  camera_movement: tc.shot.camera,
  visual: tc.shot.visual,
  line: tc.shot.line,
  on_screen_text: tc.shot.onScreen,
};

function ScriptEditor({ value, onChange }: EditorProps<'video_script'>) {
  const shots = value.shots;
  const setShots = (next: ShotRow[]) => onChange({ ...value, shots: next });
  const updateShot = (key: string, patch: Partial<ShotRow>) =>
    setShots(shots.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  // The clock as the body view shows it (the same body the save sends).
  const script = bodyOf(value) as unknown as VideoScript;
  const timed = timeline(shotsStart(script), script.shots);
  const text = (row: ShotRow, field: TextField, area = false) => {
    const props = {
      value: row[field],
      'aria-label': FIELD_LABELS[field],
      'data-testid': `shot-${field}`,
    };
    return area ? (
      <Input.TextArea
        {...props}
        rows={2}
        onChange={(e) => updateShot(row.key, { [field]: e.target.value })}
      />
    ) : (
      <Input {...props} onChange={(e) => updateShot(row.key, { [field]: e.target.value })} />
    );
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="edit-script">
      <div>
        <Label>{t.scriptTitle}</Label>
        <Input
          value={value.title}
          onChange={(e) => onChange({ ...value, title: e.target.value })}
          data-testid="script-title"
        />
      </div>
      <Card size="small" title={t.hook}>
        <Row gutter={8}>
          <Col xs={24} md={10}>
            <Label>{t.hookText}</Label>
            <Input
              value={value.hook.text}
              onChange={(e) => onChange({ ...value, hook: { ...value.hook, text: e.target.value } })}
              data-testid="hook-text"
            />
          </Col>
          <Col xs={24} md={10}>
            <Label>{t.hookVisual}</Label>
            <Input
              value={value.hook.visual}
              onChange={(e) => onChange({ ...value, hook: { ...value.hook, visual: e.target.value } })}
              data-testid="hook-visual"
            />
          </Col>
          <Col xs={24} md={4}>
            <Label>{tc.shot.duration}</Label>
            <InputNumber
              value={value.hook.duration_seconds}
              min={0.1}
              max={3}
              step={0.5}
              addonAfter={t.seconds}
              onChange={(v) => onChange({ ...value, hook: { ...value.hook, duration_seconds: v } })}
              data-testid="hook-seconds"
            />
          </Col>
        </Row>
      </Card>
      <Label
        extra={
          <Typography.Text type="secondary" data-testid="script-total">
            {fmt(t.total, { seconds: script.total_duration_seconds })}
          </Typography.Text>
        }
      >
        {t.shots}
      </Label>
      <Table<ShotRow>
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={shots}
        scroll={{ x: 1100 }}
        data-testid="edit-shots"
        columns={[
          { title: tc.shot.index, width: 50, render: (_, _row, index) => index + 1 },
          {
            title: tc.shot.time,
            width: 100,
            render: (_, _row, index) => `${clock(timed[index].start)}–${clock(timed[index].end)}`,
          },
          {
            title: tc.shot.duration,
            width: 100,
            render: (_, row) => (
              <InputNumber
                value={row.duration_seconds}
                min={0.1}
                step={0.5}
                aria-label={tc.shot.duration}
                onChange={(v) => updateShot(row.key, { duration_seconds: v })}
                data-testid="shot-duration_seconds"
              />
            ),
          },
          { title: tc.shot.shotSize, width: 90, render: (_, row) => text(row, 'shot_size') },
          { title: tc.shot.camera, width: 90, render: (_, row) => text(row, 'camera_movement') },
          { title: tc.shot.visual, render: (_, row) => text(row, 'visual', true) },
          { title: tc.shot.line, render: (_, row) => text(row, 'line', true) },
          { title: tc.shot.onScreen, render: (_, row) => text(row, 'on_screen_text', true) },
          {
            key: 'actions',
            width: 100,
            render: (_, row, index) => (
              <RowActions
                index={index}
                count={shots.length}
                onMove={(to) => setShots(move(shots, index, to))}
                onRemove={() => setShots(shots.filter((s) => s.key !== row.key))}
              />
            ),
          },
        ]}
      />
      <Button
        type="dashed"
        icon={<PlusOutlined />}
        onClick={() => setShots([...shots, blankShot(shots.at(-1))])}
        data-testid="add-shot"
      >
        {t.addShot}
      </Button>
      <div>
        <Label>{t.callToAction}</Label>
        <Input
          value={value.call_to_action}
          onChange={(e) => onChange({ ...value, call_to_action: e.target.value })}
          data-testid="script-cta"
        />
      </div>
    </Space>
  );
}

function JsonEditor({ value, onChange }: EditorProps<'json'>) {
  return (
    <div>
      <Label>{t.json}</Label>
      <Typography.Paragraph type="secondary">{t.jsonNote}</Typography.Paragraph>
      <Input.TextArea
        value={value.text}
        autoSize={{ minRows: 8, maxRows: 20 }}
        style={{ fontFamily: 'monospace' }}
        onChange={(e) => onChange({ ...value, text: e.target.value })}
        data-testid="edit-json"
      />
    </div>
  );
}

/**
 * The body's form by its kind (a form control: `value` and `onChange` as Form.Item hands them in); a
 * body no form knows is edited as JSON. New candidates are marked as typed by hand.
 */
export function BodyEditor({
  value,
  onChange,
}: {
  value?: BodyValues;
  onChange?: (next: BodyValues) => void;
}) {
  if (!value) return null;
  const change = (next: BodyValues) => onChange?.(next);
  switch (value.kind) {
    case 'titles':
      return <TitlesEditor value={value} onChange={change} />;
    case 'copywriting':
      return <CopyEditor value={value} onChange={change} />;
    case 'image_post':
      return <PostEditor value={value} onChange={change} />;
    case 'video_script':
      return <ScriptEditor value={value} onChange={change} />;
    default:
      return <JsonEditor value={value} onChange={change} />;
  }
}
