import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, Form, InputNumber, Popconfirm, Row, Select, Switch, Tag } from 'antd';
import { useMemo } from 'react';
import {
  scoringRulesGetScoringRulesOptions,
  scoringRulesGetScoringRulesQueryKey,
  scoringRulesReplaceScoringRulesMutation,
  scoringRulesResetScoringRulesMutation,
} from '../../client/@tanstack/react-query.gen';
import type { ScoreRule, ScoringRulesIn } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { scoreEventLabel } from '../customers/labels';
import { TagsInput } from './BrandsTab';
import { InlineForm } from './InlineForm';

const t = zhCN.insights.settings;
const EVENT_TYPES: ScoreRule['event_type'][] = [
  'message_received',
  'price_question',
  'purchase_question',
  'booking_question',
  'address_question',
  'lead_left',
  'lead_refused',
  'comment',
  'new_video_digg',
  'new_follow_action',
  'im_enter_direct_msg',
  'card_submitted',
  'material_opened',
  'material_downloaded',
  'journey_points',
];

/** The tenant's intent-scoring rules: points per event, level thresholds; the thresholds' actions are
 * kept as stored. Saving re-scores every customer at once; "defaults" goes back to the shipped rules. */
export function ScoringTab({ canWrite }: { canWrite: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const rules = useQuery(scoringRulesGetScoringRulesOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: scoringRulesGetScoringRulesQueryKey() });
  const put = useMutation({ ...scoringRulesReplaceScoringRulesMutation(), onSuccess: refresh });
  const reset = useMutation({
    ...scoringRulesResetScoringRulesMutation(),
    onSuccess: refresh,
    onError: (error) => message.error(isApiError(error) ? error.detail : String(error)),
  });
  const values = useMemo<ScoringRulesIn | undefined>(() => {
    if (!rules.data) return undefined;
    const { custom: _custom, version: _version, ...body } = rules.data;
    return body;
  }, [rules.data]);

  return (
    <QueryState
      isPending={rules.isPending}
      error={rules.error}
      hasData={rules.data !== undefined}
      onRetry={() => rules.refetch()}
    >
      {values && rules.data && (
        <InlineForm<ScoringRulesIn>
          values={values}
          canWrite={canWrite}
          testId="scoring-form"
          onSubmit={(body) => put.mutateAsync({ body: { ...values, ...body } })}
          extra={
            <Popconfirm
              title={t.resetDefaults}
              onConfirm={() => reset.mutateAsync({}).catch(() => undefined)}
            >
              <Button disabled={!rules.data.custom}>{t.resetDefaults}</Button>
            </Popconfirm>
          }
        >
          {() => (
            <>
              <Tag color={rules.data.custom ? 'blue' : 'default'} style={{ marginBottom: 12 }}>
                {rules.data.custom ? `${t.custom} v${rules.data.version}` : t.defaults}
              </Tag>
              <Row gutter={16}>
                <Col span={8}>
                  <Form.Item
                    name={['levels', 'warm']}
                    label={`${t.levels} · ${t.warm}`}
                    rules={[{ type: 'number', min: 0.01, max: 100000 }]}
                  >
                    <InputNumber style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item
                    name={['levels', 'hot']}
                    label={`${t.levels} · ${t.hot}`}
                    dependencies={[['levels', 'warm']]}
                    rules={[
                      { type: 'number', min: 0.01, max: 100000 },
                      ({ getFieldValue }) => ({
                        validator: (_, hot?: number) =>
                          hot === undefined || hot > (getFieldValue(['levels', 'warm']) ?? 0)
                            ? Promise.resolve()
                            : Promise.reject(new Error(`${t.hot} > ${t.warm}`)),
                      }),
                    ]}
                  >
                    <InputNumber style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.List name="rules">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field) => (
                      <Row key={field.key} gutter={8} align="top">
                        <Col span={6}>
                          <Form.Item
                            name={[field.name, 'event_type']}
                            label={t.eventType}
                            rules={[{ required: true, message: t.required }]}
                          >
                            <Select
                              options={EVENT_TYPES.map((value) => ({ value, label: scoreEventLabel(value) }))}
                            />
                          </Form.Item>
                        </Col>
                        <Col span={3}>
                          <Form.Item
                            name={[field.name, 'points']}
                            label={t.points}
                            rules={[
                              { required: true, message: t.required },
                              { type: 'number', min: -100, max: 100 },
                            ]}
                          >
                            <InputNumber style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                        <Col span={2}>
                          <Form.Item
                            name={[field.name, 'repeatable']}
                            label={t.repeatable}
                            valuePropName="checked"
                          >
                            <Switch size="small" />
                          </Form.Item>
                        </Col>
                        <Col span={3}>
                          <Form.Item
                            name={[field.name, 'daily_cap']}
                            label={t.dailyCap}
                            rules={[{ type: 'number', min: 1, max: 10000 }]}
                          >
                            <InputNumber style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                        <Col span={3}>
                          <Form.Item name={[field.name, 'half_life_days']} label={t.halfLife}>
                            <InputNumber min={0} style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                        <Col span={5}>
                          <Form.Item name={[field.name, 'groups']} label={t.tags}>
                            <TagsInput />
                          </Form.Item>
                        </Col>
                        <Col span={2} style={{ paddingTop: 30 }}>
                          <Button
                            icon={<DeleteOutlined />}
                            onClick={() => remove(field.name)}
                            aria-label={t.delete}
                          />
                        </Col>
                      </Row>
                    ))}
                    <Button
                      icon={<PlusOutlined />}
                      style={{ marginBottom: 16 }}
                      onClick={() =>
                        add({
                          event_type: 'message_received',
                          points: 1,
                          repeatable: true,
                          groups: ['default'],
                        })
                      }
                    >
                      {t.addRule}
                    </Button>
                  </>
                )}
              </Form.List>
            </>
          )}
        </InlineForm>
      )}
    </QueryState>
  );
}
