import { Alert, type ButtonProps, Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useUnsavedPrompt } from '../../components/useUnsavedPrompt';
import { zhCN } from '../../locales/zh-CN';
import { showFieldErrors } from '../insights/fieldErrors';

const t = zhCN.insights.settings;

interface Props<T> {
  open: boolean;
  title: string;
  initialValues?: Partial<T>;
  onClose: () => void;
  /** Sends the form's values; a thrown ApiError's 422 lands on the fields, the rest above the form. */
  onSubmit: (values: T) => Promise<unknown>;
  children: (form: FormInstance<T>) => ReactNode;
  testId?: string;
}

/** A create or edit form in a modal: antd's rules first, then the BFF's 422 per field; closing with
 * unsaved edits (or leaving the page) asks first. */
export function FormModal<T extends object>({
  open,
  title,
  initialValues,
  onClose,
  onSubmit,
  children,
  testId,
}: Props<T>) {
  const [form] = Form.useForm<T>();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const { confirmDiscard } = useUnsavedPrompt(open && dirty);

  useEffect(() => {
    if (open) {
      form.resetFields();
      setDirty(false);
      setProblems([]);
    }
  }, [open, form]);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (values === null) return;
    setSaving(true);
    setProblems([]);
    try {
      await onSubmit(values);
      setDirty(false);
      onClose();
    } catch (error) {
      setProblems(showFieldErrors(form, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={t.save}
      cancelText={t.cancel}
      confirmLoading={saving}
      onOk={submit}
      onCancel={async () => {
        if (await confirmDiscard()) onClose();
      }}
      destroyOnHidden
      width={640}
      okButtonProps={{ 'data-testid': 'form-save' } as ButtonProps}
    >
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={problems.join('；')}
          style={{ marginBottom: 16 }}
          data-testid="form-error"
        />
      )}
      <Form<T>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onValuesChange={() => setDirty(true)}
        data-testid={testId}
        preserve={false}
      >
        {children(form)}
      </Form>
    </Modal>
  );
}
