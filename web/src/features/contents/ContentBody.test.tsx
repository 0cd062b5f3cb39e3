import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/session';
import { fakeBff, json } from '../../test/fakeBff';
import { renderAt } from '../../test/render';
import { ContentBody } from './ContentBody';

const asset = (id: string, position: number, role = 'image') => ({
  id,
  role,
  position,
  url: `/api/v1/media/${id}`,
  mime_type: role === 'video' ? 'video/mp4' : 'image/png',
  size_bytes: 10,
  width: 10,
  height: 10,
  source: 'generated',
  description: `图 ${id}`,
  caption: `配图 ${id}`,
});

function show(element: React.ReactElement) {
  setToken('tok');
  fakeBff({
    'GET /api/v1/platforms': () =>
      json([
        {
          platform: 'xiaohongshu',
          display_name: '小红书',
          title_max: 20,
          body_max: 1000,
          hashtag_min: 1,
          hashtag_max: 10,
          notes: [],
        },
      ]),
  });
  renderAt('/', [{ path: '/', element }]);
}

describe('ContentBody', () => {
  it('shows an image post’s text, hashtags and its images in order, served by the BFF', async () => {
    show(
      <ContentBody
        kind="image_post"
        body={{
          platform: 'xiaohongshu',
          title: '露营清单',
          body: '带上这些最好用',
          hashtags: ['#露营#'],
          images: [{ description: '帐篷', caption: '帐篷', text: '' }],
          request: { topic: '露营' },
        }}
        assets={[asset('b', 2), asset('v', 0, 'video'), asset('a', 1)]}
        terms={['最']}
      />,
    );
    const body = screen.getByTestId('content-body');
    expect(within(body).getByText('#露营#')).toBeInTheDocument();
    expect(within(body).getByTestId('flagged-term')).toHaveTextContent('最');
    await waitFor(() => expect(within(body).getByTestId('title-counter')).toHaveTextContent('4 / 20'));
    const images = within(body).getAllByAltText(/^图 /);
    expect(images.map((i) => i.getAttribute('src'))).toEqual(['/api/v1/media/a', '/api/v1/media/b']);
  });

  it('falls back to the JSON of a body its kind does not know', () => {
    show(<ContentBody kind="video_script" body={{ note: '第一版' }} />);
    expect(screen.getByTestId('content-body')).toHaveTextContent('"note": "第一版"');
  });
});
