import { apiErrorOf, endSession } from '../../lib/api';
import { getToken } from '../../lib/session';

/**
 * One request with upload progress. The generated client runs on `fetch`, which reports no upload progress,
 * so the two calls that carry files (a media upload, a material or version with a document) go through
 * XMLHttpRequest here, with the same bearer, the same ApiError and the same end of an expired session as the
 * client.
 */
export function sendWithProgress<T>(
  method: 'POST',
  url: string,
  body: FormData | string,
  onProgress: (percent: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    if (typeof body === 'string') xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(parsed as T);
        return;
      }
      if (xhr.status === 401) endSession();
      reject(apiErrorOf(xhr.status, parsed));
    };
    xhr.onerror = () => reject(apiErrorOf(0, null));
    xhr.send(body);
  });
}

/** A file as base64 (the document field of a material travels inside JSON). */
export function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
