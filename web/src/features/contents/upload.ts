import { client } from '../../client/client.gen';
import type { UploadedAsset } from '../../client/types.gen';
import { ApiError, apiErrorOf, endSession } from '../../lib/api';
import { getToken } from '../../lib/session';
import { zhCN } from '../../locales/zh-CN';

/**
 * `POST /api/v1/media` (the generated client's route and form fields) over XMLHttpRequest, the one
 * browser API that reports upload progress; `content_id` attaches the file to the content as it lands.
 */
export function uploadMedia(
  file: File,
  contentId: string,
  onProgress: (percent: number) => void,
): { done: Promise<UploadedAsset>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedAsset>((resolve, reject) => {
    const form = new FormData();
    form.append('file', file);
    form.append('content_id', contentId);
    xhr.open('POST', `${client.getConfig().baseUrl ?? ''}/api/v1/media`);
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as UploadedAsset);
        return;
      }
      // An expired session ends here as it does for the generated client's calls: at the login page.
      if (xhr.status === 401) endSession();
      reject(apiErrorOf(xhr.status, body));
    };
    xhr.onerror = () => reject(apiErrorOf(0, null));
    xhr.onabort = () => reject(new ApiError(0, zhCN.common.uploadAborted, null));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
