import { Typography } from 'antd';
import { splitFlagged } from '../highlight';

/** A text with the terms compliance flagged marked in red. */
export function FlaggedText({ text, terms }: { text: string; terms: readonly string[] }) {
  return (
    <span>
      {splitFlagged(text, terms).map((segment, index) =>
        segment.flagged ? (
          <Typography.Text
            // biome-ignore lint/suspicious/noArrayIndexKey: segments of one text never reorder
            key={index}
            mark
            type="danger"
            data-testid="flagged-term"
          >
            {segment.text}
          </Typography.Text>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one text never reorder
          <span key={index}>{segment.text}</span>
        ),
      )}
    </span>
  );
}
