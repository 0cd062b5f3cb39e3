import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Form, Input, Progress, Select, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { materialsAddVersion, materialsCreateMaterial } from '../../client/sdk.gen';
import type { MaterialIn, MaterialView, UploadedAsset, VersionIn } from '../../client/types.gen';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';
import { base64Of, sendWithProgress } from './upload';

const t = zhCN.materials;
type Kind = MaterialIn['kind'];
export const KIND_OPTIONS = (Object.keys(t.kinds) as Kind[]).map((value) => ({
  value,
  label: t.kinds[value],
}));
export const MEDIA_KINDS: readonly Kind[] = ['image', 'video'];
const FILE_KINDS: readonly Kind[] = ['image', 'video', 'document', 'price_sheet', 'case_study'];
const TEXT_KINDS: readonly Kind[] = ['document', 'price_sheet', 'case_study', 'faq'];

interface Values {
  kind: Kind;
  title?: string;
  description?: string;
  tags?: string[];
  expires_at?: Dayjs | null;
  douyin_item_id?: string;
  text?: string;
  note?: string;
}

type Props =
  | {
      mode: 'material';
      libraryId: string;
      /** Whether the user's role may use the media upload (`Operator`) that images and videos go through. */
      mayUploadMedia: boolean;
      onDone: (view: MaterialView) => void;
    }
  | { mode: 'version'; material: MaterialView; onDone: (view: MaterialView) => void };

/**
 * A new material (or a new version of one): a file or a text as its kind takes, with the upload's progress.
 * Images and videos go to the media upload first; a document travels base64 inside the material's JSON.
 */
export function UploadForm(props: Props) {
  const [form] = Form.useForm<Values>();
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosenKind = Form.useWatch('kind', form);
  const kind: Kind = props.mode === 'version' ? props.material.kind : (chosenKind ?? 'document');

  const submit = async (values: Values) => {
    setError(null);
    const text = values.text?.trim() || undefined;
    if (!file && !text && !(kind === 'video' && values.douyin_item_id)) {
      setError(t.form.needContent);
      return;
    }
    setBusy(true);
    try {
      const content: Pick<MaterialIn, 'asset_id' | 'document' | 'text'> = { text };
      if (file && MEDIA_KINDS.includes(kind)) {
        setPercent(0);
        const data = new FormData();
        data.append('file', file);
        const asset = await sendWithProgress<UploadedAsset>('POST', '/api/v1/media', data, setPercent);
        content.asset_id = asset.id;
      } else if (file) {
        content.document = { file_name: file.name, content_base64: await base64Of(file) };
      }
      let view: MaterialView;
      if (props.mode === 'material') {
        const body: MaterialIn = {
          ...content,
          library_id: props.libraryId,
          kind,
          title: values.title ?? '',
          description: values.description ?? '',
          tags: values.tags ?? [],
          expires_at: values.expires_at ? values.expires_at.toISOString() : null,
          douyin_item_id: values.douyin_item_id || null,
        };
        view = content.document
          ? await sendWithProgress<MaterialView>(
              'POST',
              '/api/v1/materials',
              JSON.stringify(body),
              setPercent,
            )
          : (await materialsCreateMaterial({ body, throwOnError: true })).data;
      } else {
        const id = props.material.id;
        const body: VersionIn = { ...content, note: values.note ?? '' };
        view = content.document
          ? await sendWithProgress<MaterialView>(
              'POST',
              `/api/v1/materials/${encodeURIComponent(id)}/versions`,
              JSON.stringify(body),
              setPercent,
            )
          : (await materialsAddVersion({ path: { material_id: id }, body, throwOnError: true })).data;
      }
      form.resetFields();
      setFile(null);
      setPercent(null);
      props.onDone(view);
    } catch (err) {
      setError(isApiError(err) ? err.detail : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={{ kind: 'document', tags: [] }}
      onFinish={(values) => void submit(values)}
      data-testid="upload-form"
    >
      {props.mode === 'material' && (
        <>
          <Form.Item
            name="kind"
            label={t.form.kind}
            rules={[{ required: true }]}
            extra={props.mayUploadMedia ? undefined : t.form.mediaOperatorOnly}
          >
            <Select
              options={KIND_OPTIONS.map((option) => ({
                ...option,
                disabled: !props.mayUploadMedia && MEDIA_KINDS.includes(option.value),
              }))}
              data-testid="upload-kind"
            />
          </Form.Item>
          <Form.Item name="title" label={t.form.title} rules={[{ required: true, max: 100 }]}>
            <Input data-testid="upload-title" />
          </Form.Item>
          <Form.Item name="description" label={t.form.description}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item name="tags" label={t.form.tags}>
            <Select mode="tags" maxCount={10} data-testid="upload-tags" />
          </Form.Item>
          <Form.Item name="expires_at" label={t.form.expiresAt}>
            <DatePicker showTime />
          </Form.Item>
          {kind === 'video' && (
            <Form.Item name="douyin_item_id" label={t.form.douyinItemId}>
              <Input maxLength={200} />
            </Form.Item>
          )}
        </>
      )}
      {FILE_KINDS.includes(kind) && (
        <Form.Item label={t.form.file}>
          <Upload
            maxCount={1}
            beforeUpload={(chosen) => {
              setFile(chosen);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          >
            <Button icon={<UploadOutlined />} data-testid="upload-file">
              {t.form.chooseFile}
            </Button>
          </Upload>
        </Form.Item>
      )}
      {TEXT_KINDS.includes(kind) && (
        <Form.Item name="text" label={t.form.text}>
          <Input.TextArea rows={4} maxLength={20000} data-testid="upload-text" />
        </Form.Item>
      )}
      {props.mode === 'version' && (
        <Form.Item name="note" label={t.form.note}>
          <Input maxLength={200} />
        </Form.Item>
      )}
      {percent !== null && <Progress percent={percent} size="small" data-testid="upload-progress" />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit" loading={busy} data-testid="upload-submit">
        {t.form.submit}
      </Button>
    </Form>
  );
}
