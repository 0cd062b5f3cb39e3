import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Space, Tag } from 'antd';
import { useState } from 'react';
import { approvalGetApprovalOptions } from '../../client/@tanstack/react-query.gen';
import { approvalReview, approvalSubmit } from '../../client/sdk.gen';
import { QueryState } from '../../components/QueryState';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.contents;
const STATE_COLORS: Record<string, string> = {
  draft: 'default',
  in_review: 'processing',
  approved: 'success',
  changes_requested: 'warning',
};
/** The BFF's `require_role`: operators submit, approvers (admins, reviewers) decide. */
const SUBMITTERS = ['admin', 'operator'];
const APPROVERS = ['admin', 'reviewer'];

/** Where the current version stands in review, and what the signed-in role may do about it. */
export function ApprovalPanel({ contentId, role }: { contentId: string; role: string | undefined }) {
  const queryClient = useQueryClient();
  const options = approvalGetApprovalOptions({ path: { content_id: contentId } });
  const approval = useQuery(options);
  const [asking, setAsking] = useState(false);
  const [form] = Form.useForm<{ comment: string }>();
  const refresh = () =>
    queryClient.invalidateQueries({ predicate: (q) => JSON.stringify(q.queryKey).includes(contentId) });

  const submit = useMutation({
    mutationFn: () => approvalSubmit({ path: { content_id: contentId }, throwOnError: true }),
    onSuccess: refresh,
  });
  const review = useMutation({
    mutationFn: (body: { verdict: 'approve' | 'request_changes'; comment?: string }) =>
      approvalReview({
        path: { content_id: contentId },
        body: { ...body, version: approval.data?.current_version },
        throwOnError: true,
      }),
    onSuccess: async () => {
      setAsking(false);
      form.resetFields();
      await refresh();
    },
  });
  const view = approval.data;
  const error = submit.error ?? review.error;

  return (
    <QueryState
      isPending={approval.isPending}
      error={approval.error}
      hasData={approval.data !== undefined}
      onRetry={() => approval.refetch()}
    >
      {view && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="approval">
          <Space wrap>
            <Tag color={STATE_COLORS[view.state]} data-testid="approval-state">
              {t.approvalStates[view.state]}
            </Tag>
            {view.version !== null && <span>{fmt(t.approvalVersion, { version: view.version })}</span>}
            {view.decided_by && <span>{fmt(t.decidedBy, { user: view.decided_by })}</span>}
            {view.required && <Tag color="orange">{t.approvalRequired}</Tag>}
          </Space>
          {view.comment && (
            <Alert type="warning" showIcon message={view.comment} data-testid="approval-comment" />
          )}
          {error && <Alert type="error" showIcon message={error.message} />}
          <Space>
            {role &&
              SUBMITTERS.includes(role) &&
              (view.state === 'draft' || view.state === 'changes_requested') && (
                <Button
                  onClick={() => submit.mutate()}
                  loading={submit.isPending}
                  data-testid="submit-review"
                >
                  {t.submitReview}
                </Button>
              )}
            {role && APPROVERS.includes(role) && view.state === 'in_review' && (
              <>
                <Button
                  type="primary"
                  onClick={() => review.mutate({ verdict: 'approve' })}
                  loading={review.isPending}
                  data-testid="approve"
                >
                  {t.approve}
                </Button>
                <Button danger onClick={() => setAsking(true)} data-testid="request-changes">
                  {t.requestChanges}
                </Button>
              </>
            )}
          </Space>
          <Modal
            open={asking}
            title={t.requestChanges}
            onCancel={() => setAsking(false)}
            onOk={() => form.submit()}
            confirmLoading={review.isPending}
            destroyOnHidden
          >
            <Form
              form={form}
              layout="vertical"
              onFinish={(v) => review.mutate({ verdict: 'request_changes', comment: v.comment.trim() })}
            >
              <Form.Item
                name="comment"
                label={t.commentLabel}
                rules={[{ required: true, whitespace: true, message: t.commentRequired }]}
              >
                <Input.TextArea rows={3} maxLength={500} data-testid="review-comment" />
              </Form.Item>
            </Form>
          </Modal>
        </Space>
      )}
    </QueryState>
  );
}
