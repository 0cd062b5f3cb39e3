import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { contentsEditContent, workflowsGetWorkflow } from '../../client/sdk.gen';
import type { ContentView } from '../../client/types.gen';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.contents;

interface EditForm {
  title: string;
  body: string;
}

/** The body as the editor shows it: the stored request is the BFF's and an edit keeps it anyway. */
function editableBody(body: Record<string, unknown>): string {
  const { request: _request, ...rest } = body;
  return JSON.stringify(rest, null, 2);
}

function parseBody(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

async function waitForEdit(workflowId: string): Promise<void> {
  for (;;) {
    const { data } = await workflowsGetWorkflow({ path: { workflow_id: workflowId }, throwOnError: true });
    if (data.status === 'completed') return;
    if (data.status !== 'running') throw new Error(data.error ?? data.status);
    await new Promise((wake) => setTimeout(wake, 700));
  }
}

/**
 * Edits title and body into a new version (compliance-checked by the edit's workflow), from the version
 * shown (`base_version`, so an edit made meanwhile is refused rather than overwritten); closing with
 * unsaved changes asks first.
 */
export function EditDraft({ content }: { content: ContentView }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<EditForm>();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const initial = { title: content.title, body: editableBody(content.body) };
  const edits = useDirtyForm();
  const shut = () => {
    edits.clean();
    setOpen(false);
  };

  const save = useMutation({
    mutationFn: async (values: EditForm) => {
      const body = parseBody(values.body);
      const patch: Record<string, unknown> = { base_version: content.version };
      if (values.title !== content.title) patch.title = values.title;
      if (values.body !== initial.body && body) patch.body = body;
      const { data } = await contentsEditContent({
        path: { content_id: content.id },
        body: patch as Parameters<typeof contentsEditContent>[0]['body'],
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        throwOnError: true,
      });
      if (!('id' in data)) await waitForEdit(data.workflow_id);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({
        predicate: (q) => JSON.stringify(q.queryKey).includes(content.id),
      });
      shut();
      message.success(fmt(t.saved, { version: content.version + 1 }));
    },
  });

  const close = () => {
    if (!edits.dirty) {
      shut();
      return;
    }
    modal.confirm({
      title: t.discardTitle,
      okText: t.discard,
      cancelText: t.keepEditing,
      onOk: shut,
    });
  };

  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="edit">
        {t.edit}
      </Button>
      <Modal
        open={open}
        title={t.editTitle}
        width={720}
        onCancel={close}
        destroyOnHidden
        footer={[
          <Button key="cancel" onClick={close}>
            {t.cancel}
          </Button>,
          <Button
            key="save"
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            data-testid="save-edit"
          >
            {save.isPending ? t.saving : t.save}
          </Button>,
        ]}
      >
        {save.error && (
          <div role="alert" style={{ color: '#cf1322', marginBottom: 12 }} data-testid="edit-error">
            {save.error.message}
          </div>
        )}
        <Form<EditForm>
          form={form}
          layout="vertical"
          initialValues={initial}
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item name="title" label={t.titleCol} rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input data-testid="edit-title" />
          </Form.Item>
          <Form.Item
            name="body"
            label={t.editBody}
            rules={[
              {
                validator: (_, value: string) =>
                  parseBody(value) ? Promise.resolve() : Promise.reject(new Error(t.editBodyInvalid)),
              },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 8, maxRows: 20 }} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
