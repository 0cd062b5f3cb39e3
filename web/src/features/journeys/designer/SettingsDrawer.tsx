import { Button, Drawer, Form, Input, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { zhCN } from '../../../locales/zh-CN';
import {
  GOAL_TAG_MAX,
  REENTRY_DAYS,
  type Reentry,
  type Settings,
  type SettingsField,
  settingsProblems,
} from '../graph';
import { EVENT_OPTIONS } from '../labels';

const t = zhCN.journeys.settings;
const REENTRY_OPTIONS = (Object.keys(t.reentryOptions) as Reentry[]).map((value) => ({
  value,
  label: t.reentryOptions[value],
}));

interface Props {
  open: boolean;
  settings: Settings;
  /** What the server refused on the last save, by field (cleared as the field is edited). */
  fromServer: Partial<Record<SettingsField, string>>;
  readOnly: boolean;
  onChange: (settings: Settings, field: SettingsField) => void;
  onClose: () => void;
}

/**
 * The journey's settings that are not nodes: the goal, re-entry, quiet hours and exit on reply. Controlled by
 * the designer (they are saved with the draft); each field shows what the model would refuse, or what the
 * server did.
 */
export function SettingsDrawer({ open, settings, fromServer, readOnly, onChange, onClose }: Props) {
  const ours = settingsProblems(settings);
  const set = <K extends SettingsField>(field: K, value: Settings[K]) =>
    onChange({ ...settings, [field]: value }, field);
  const status = (field: SettingsField) => {
    const help = ours[field] ?? fromServer[field];
    return help ? { validateStatus: 'error' as const, help } : {};
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t.title}
      width={380}
      extra={
        <Button type="primary" onClick={onClose} data-testid="settings-close">
          {t.close}
        </Button>
      }
    >
      <div data-testid="settings-panel">
        <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
        <Form layout="vertical" disabled={readOnly}>
          <Form.Item label={t.goal} {...status('goalEvent')}>
            <Select
              value={settings.goalEvent}
              options={EVENT_OPTIONS}
              onChange={(value) => set('goalEvent', value)}
              data-testid="settings-goal"
            />
          </Form.Item>
          {settings.goalEvent === 'tag_added' && (
            <Form.Item label={t.goalTag} {...status('goalTag')}>
              <Input
                value={settings.goalTag}
                maxLength={GOAL_TAG_MAX}
                onChange={(e) => set('goalTag', e.target.value)}
                data-testid="settings-goal-tag"
              />
            </Form.Item>
          )}
          <Form.Item label={t.reentry} {...status('reentry')}>
            <Radio.Group
              optionType="button"
              value={settings.reentry}
              options={REENTRY_OPTIONS}
              onChange={(e) => set('reentry', e.target.value as Reentry)}
              data-testid="settings-reentry"
            />
          </Form.Item>
          {settings.reentry === 'after_days' && (
            <Form.Item label={t.reentryDays} {...status('reentryDays')}>
              <InputNumber
                value={settings.reentryDays}
                min={REENTRY_DAYS.min}
                max={REENTRY_DAYS.max}
                precision={0}
                onChange={(value) => set('reentryDays', typeof value === 'number' ? value : null)}
                style={{ width: '100%' }}
                data-testid="settings-reentry-days"
              />
            </Form.Item>
          )}
          <Form.Item label={t.quiet} extra={t.quietHint}>
            <Switch
              checked={settings.quiet}
              onChange={(value) => set('quiet', value)}
              data-testid="settings-quiet"
            />
          </Form.Item>
          {settings.quiet && (
            <>
              <Form.Item label={t.quietStart} {...status('quietStart')}>
                <Input
                  value={settings.quietStart}
                  placeholder="22:00"
                  maxLength={5}
                  onChange={(e) => set('quietStart', e.target.value.trim())}
                  data-testid="settings-quiet-start"
                />
              </Form.Item>
              <Form.Item label={t.quietEnd} {...status('quietEnd')}>
                <Input
                  value={settings.quietEnd}
                  placeholder="08:00"
                  maxLength={5}
                  onChange={(e) => set('quietEnd', e.target.value.trim())}
                  data-testid="settings-quiet-end"
                />
              </Form.Item>
            </>
          )}
          <Form.Item label={t.exitOnReply} {...status('exitOnReply')}>
            <Switch
              checked={settings.exitOnReply}
              onChange={(value) => set('exitOnReply', value)}
              data-testid="settings-exit-on-reply"
            />
          </Form.Item>
        </Form>
      </div>
    </Drawer>
  );
}
