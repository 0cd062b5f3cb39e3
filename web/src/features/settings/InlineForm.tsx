import { Alert, Button, Form, type FormInstance, Space } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useUnsavedPrompt } from '../../components/useUnsavedPrompt';
import { zhCN } from '../../locales/zh-CN';
import { showFieldErrors } from '../insights/fieldErrors';

const t = zhCN.insights.settings;

interface Props<T> {
  /** The stored document; the form starts from it again whenever it changes (after a save or a reset). */
  values: T;
  canWrite: boolean;
  onSubmit: (values: T) => Promise<unknown>;
  extra?: ReactNode;
  children: (form: FormInstance<T>) => ReactNode;
  testId?: string;
}

/** A one-document settings form on the page: saved as a whole, the BFF's 422 on its fields, leaving with
 * unsaved edits asks first. Read-only for roles that may not write. */
export function InlineForm<T extends object>({
  values,
  canWrite,
  onSubmit,
  extra,
  children,
  testId,
}: Props<T>) {
  const [form] = Form.useForm<T>();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  useUnsavedPrompt(dirty);
  // Edits counted, and the count when the save on its way began: what is typed meanwhile stays, unsaved.
  const edits = useRef(0);
  const savingAt = useRef<number | null>(null);

  useEffect(() => {
    const heldAt = savingAt.current;
    savingAt.current = null;
    if (heldAt !== null && edits.current !== heldAt) return;
    form.resetFields();
    form.setFieldsValue(values as Parameters<typeof form.setFieldsValue>[0]);
    setDirty(false);
  }, [values, form]);

  const submit = async (next: T) => {
    setSaving(true);
    setProblems([]);
    setSaved(false);
    const at = edits.current;
    savingAt.current = at;
    try {
      await onSubmit(next);
      if (edits.current === at) {
        savingAt.current = null;
        setDirty(false);
        setSaved(true);
      }
    } catch (error) {
      savingAt.current = null;
      setProblems(showFieldErrors(form, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<T>
      form={form}
      layout="vertical"
      disabled={!canWrite}
      onValuesChange={() => {
        edits.current += 1;
        setDirty(true);
        setSaved(false);
      }}
      initialValues={values}
      onFinish={submit}
      data-testid={testId}
      style={{ maxWidth: 880 }}
    >
      {!canWrite && <Alert type="info" showIcon message={t.readOnly} style={{ marginBottom: 16 }} />}
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={problems.join('；')}
          style={{ marginBottom: 16 }}
          data-testid="form-error"
        />
      )}
      {saved && <Alert type="success" showIcon message={t.saved} style={{ marginBottom: 16 }} />}
      {children(form)}
      {canWrite && (
        <Space>
          <Button type="primary" htmlType="submit" loading={saving} disabled={!dirty} data-testid="form-save">
            {t.save}
          </Button>
          {extra}
        </Space>
      )}
    </Form>
  );
}
