/** A shot's place in the video: it starts where the hook and the shots before it end. */
export interface Timed<T> {
  item: T;
  start: number;
  end: number;
}

export function timeline<T extends { duration_seconds: number }>(
  hookSeconds: number,
  shots: T[],
): Timed<T>[] {
  let at = hookSeconds;
  return shots.map((item) => {
    const start = at;
    at += item.duration_seconds;
    return { item, start, end: at };
  });
}

/** Seconds as m:ss.s (one decimal only when there is one). */
export function clock(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  const minutes = Math.floor(rounded / 60);
  const rest = rounded - minutes * 60;
  const text = Number.isInteger(rest) ? String(rest) : rest.toFixed(1);
  return `${minutes}:${rest < 10 ? '0' : ''}${text}`;
}

/**
 * Where the shot table's clock starts. The generator makes the hook shot 1 (its shots add up to the total,
 * prompts "第 1 个镜头就是 hook"); a script whose total also counts the hook apart from its shots starts
 * them once the hook has played.
 */
export function shotsStart(script: {
  hook: { duration_seconds: number };
  shots: readonly { duration_seconds: number }[];
  total_duration_seconds: number;
}): number {
  const shots = script.shots.reduce((total, shot) => total + shot.duration_seconds, 0);
  return Math.abs(shots - script.total_duration_seconds) < 0.05 ? 0 : script.hook.duration_seconds;
}
