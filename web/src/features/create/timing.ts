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
