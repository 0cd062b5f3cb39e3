import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Empty, Image, Progress, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { AssetView } from '../../client/types.gen';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { uploadMedia } from './upload';

const t = zhCN.contents;

/** The content's images and videos, and an upload (operators) that shows its progress. */
export function MediaPanel({
  contentId,
  assets,
  canUpload,
}: {
  contentId: string;
  assets: AssetView[];
  canUpload: boolean;
}) {
  const queryClient = useQueryClient();
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="media">
      {assets.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noMedia} />
      ) : (
        <Image.PreviewGroup>
          <Space wrap>
            {assets.map((a) =>
              a.mime_type.startsWith('image/') ? (
                <Image key={a.id} src={a.url} width={120} height={120} style={{ objectFit: 'cover' }} />
              ) : (
                // biome-ignore lint/a11y/useMediaCaption: operators' own uploads have no captions track
                <video key={a.id} src={a.url} width={200} controls />
              ),
            )}
          </Space>
        </Image.PreviewGroup>
      )}
      {canUpload && (
        <Upload
          accept="image/jpeg,image/png,image/webp,video/mp4,video/quicktime,video/webm"
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) => {
            setError(null);
            setPercent(0);
            const { done } = uploadMedia(file as File, contentId, setPercent);
            done
              .then(async (asset) => {
                onSuccess?.(asset);
                setPercent(null);
                await queryClient.invalidateQueries({
                  predicate: (q) => JSON.stringify(q.queryKey).includes(contentId),
                });
              })
              .catch((reason: Error) => {
                onError?.(reason);
                setPercent(null);
                setError(reason.message);
              });
          }}
        >
          <Button icon={<UploadOutlined />} disabled={percent !== null} data-testid="upload">
            {t.upload}
          </Button>
        </Upload>
      )}
      {percent !== null && (
        <div data-testid="upload-progress">
          <Progress percent={percent} size="small" />
          <Typography.Text type="secondary">{fmt(t.uploading, { percent })}</Typography.Text>
        </div>
      )}
      {error && <Alert type="error" showIcon message={fmt(t.uploadFailed, { reason: error })} />}
    </Space>
  );
}
