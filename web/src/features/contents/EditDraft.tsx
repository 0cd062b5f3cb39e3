import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { contentsEditContent, workflowsGetWorkflow } from '../../client/sdk.gen';
import type { ContentView } from '../../client/types.gen';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { BodyEditor } from './BodyEditor';
import { type BodyValues, changedBody, problemsOf, valuesOf } from './bodies';

const t = zhCN.contents;

interface EditForm {
  title: string;
  body: BodyValues;
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
 * shown (`base_version`, so an edit made meanwhile is refused rather than overwritten): the body in its
 * kind's form (JSON only for a body no form knows), and only what changed is sent. Closing with unsaved
 * changes asks first.
 */
export function EditDraft({ content }: { content: ContentView }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="edit">
        {t.edit}
      </Button>
      {open && <EditDialog content={content} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The open editor: a form of its own each time, read from the version shown when it opened. */
function EditDialog({ content, onClose }: { content: ContentView; onClose: () => void }) {
  const [form] = Form.useForm<EditForm>();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const edits = useDirtyForm();
  // Read once: the rows' keys must stay those the inputs were drawn with.
  const [initial] = useState<EditForm>(() => ({
    title: content.title,
    body: valuesOf(content.kind, content.body),
  }));
  const shut = () => {
    edits.clean();
    onClose();
  };

  const save = useMutation({
    mutationFn: async (patch: Record<string, unknown>) => {
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

  const submit = (values: EditForm) => {
    const patch: Record<string, unknown> = { base_version: content.version };
    if (values.title !== content.title) patch.title = values.title;
    const body = changedBody(values.body, content.body);
    if (body) patch.body = body;
    if (!('title' in patch) && !body) {
      shut(); // nothing changed: no new version
      return;
    }
    save.mutate(patch);
  };

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
    <Modal
      open
      title={t.editTitle}
      width={content.kind === 'titles' ? 760 : 1100}
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
        onValuesChange={edits.touched}
        onFinish={submit}
      >
        <Form.Item name="title" label={t.titleCol} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input data-testid="edit-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t.body}
          rules={[
            {
              validator: (_, value: BodyValues) => {
                const problems = problemsOf(value);
                return problems.length === 0
                  ? Promise.resolve()
                  : Promise.reject(new Error(problems.join('；')));
              },
            },
          ]}
        >
          <BodyEditor />
        </Form.Item>
      </Form>
    </Modal>
  );
}
