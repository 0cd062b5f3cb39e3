import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Col, Form, InputNumber, Row, Select, Switch } from 'antd';
import {
  viralReplicationGetRuleOptions,
  viralReplicationGetRuleQueryKey,
  viralReplicationPutRuleMutation,
} from '../../client/@tanstack/react-query.gen';
import type { ViralRuleSpec } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { zhCN } from '../../locales/zh-CN';
import { InlineForm } from './InlineForm';

const t = zhCN.insights.settings;
const p = zhCN.insights.performance;
const METRICS = [
  { value: 'play_count', label: p.plays },
  { value: 'digg_count', label: p.likes },
  { value: 'comment_count', label: p.comments },
  { value: 'share_count', label: p.shares },
  { value: 'download_count', label: t.downloads },
  { value: 'forward_count', label: t.forwards },
];

/** When an item is a hit (its metric `ratio` times the account's median at a similar age) and how many
 * variants a replication writes; the next sync of every account judges by it. */
export function ViralTab({ canWrite }: { canWrite: boolean }) {
  const queryClient = useQueryClient();
  const rule = useQuery(viralReplicationGetRuleOptions());
  const put = useMutation({
    ...viralReplicationPutRuleMutation(),
    onSuccess: (saved) => queryClient.setQueryData(viralReplicationGetRuleQueryKey(), saved),
  });
  const number = (name: keyof ViralRuleSpec, label: string, min: number, max: number, step = 1) => (
    <Col xs={24} md={8}>
      <Form.Item
        name={name}
        label={label}
        rules={[
          { required: true, message: t.required },
          { type: 'number', min, max },
        ]}
      >
        <InputNumber
          min={min}
          max={max}
          step={step}
          style={{ width: '100%' }}
          data-testid={`viral-${name}`}
        />
      </Form.Item>
    </Col>
  );
  return (
    <QueryState
      isPending={rule.isPending}
      error={rule.error}
      hasData={rule.data !== undefined}
      onRetry={() => rule.refetch()}
    >
      {rule.data && (
        <InlineForm<ViralRuleSpec>
          values={rule.data}
          canWrite={canWrite}
          onSubmit={(body) => put.mutateAsync({ body })}
          testId="viral-form"
        >
          {() => (
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item name="enabled" label={t.viralEnabled} valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="metric" label={t.metric}>
                  <Select options={METRICS} />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="auto_schedule" label={t.autoSchedule} valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
              {number('ratio', t.ratio, 1, 1000, 0.5)}
              {number('min_value', t.minValue, 0, 10 ** 12)}
              {number('baseline_days', t.baselineDays, 1, 365)}
              {number('min_samples', t.minSamples, 1, 1000)}
              {number('min_age_minutes', t.minAgeMinutes, 0, 60 * 24 * 30)}
              {number('max_age_hours', t.maxAgeHours, 1, 24 * 90)}
              {number('variant_count', t.variantCount, 1, 10)}
              {number('similarity_threshold', t.similarity, 0.01, 1, 0.05)}
            </Row>
          )}
        </InlineForm>
      )}
    </QueryState>
  );
}
