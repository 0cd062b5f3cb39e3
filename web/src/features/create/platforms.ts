import { useQuery } from '@tanstack/react-query';
import { generationPlatformRulesOptions } from '../../client/@tanstack/react-query.gen';
import type { PlatformRules } from '../../client/types.gen';

export const PLATFORMS = [
  { value: 'douyin', label: '抖音' },
  { value: 'xiaohongshu', label: '小红书' },
  { value: 'wechat_mp', label: '微信公众号' },
  { value: 'weibo', label: '微博' },
  { value: 'kuaishou', label: '快手' },
] as const;

export type Platform = (typeof PLATFORMS)[number]['value'];

export function platformLabel(platform: string): string {
  return PLATFORMS.find((p) => p.value === platform)?.label ?? platform;
}

/** Characters as the BFF counts them (Unicode code points), so an emoji counts once. */
export function charCount(text: string): number {
  return [...text].length;
}

/** A count against a limit: over is what the platform would cut or refuse. */
export function against(text: string, max: number | undefined): { count: number; over: boolean } {
  const count = charCount(text);
  return { count, over: max !== undefined && count > max };
}

/** Each platform's limits from the BFF (the ones generation writes within), by platform. */
export function usePlatformRules() {
  const query = useQuery({ ...generationPlatformRulesOptions(), staleTime: 60 * 60_000 });
  const byPlatform = new Map<string, PlatformRules>((query.data ?? []).map((r) => [r.platform, r]));
  return { ...query, byPlatform };
}
