import { List, Tag, Typography } from 'antd';

interface Candidate {
  text: string;
  formula?: string;
}

function candidatesOf(body: Record<string, unknown>): Candidate[] | null {
  const candidates = body.candidates;
  if (!Array.isArray(candidates)) return null;
  const typed = candidates.filter(
    (c): c is Candidate => typeof c === 'object' && c !== null && typeof (c as Candidate).text === 'string',
  );
  return typed.length === candidates.length ? typed : null;
}

/** A version's body: a titles draft as its list of candidates; other kinds as their JSON until their pages. */
export function ContentBody({ body }: { body: Record<string, unknown> }) {
  const candidates = candidatesOf(body);
  if (candidates) {
    return (
      <List
        size="small"
        dataSource={candidates}
        data-testid="content-body"
        renderItem={(candidate, index) => (
          <List.Item>
            <span>
              {index + 1}. {candidate.text}
            </span>
            {candidate.formula && <Tag>{candidate.formula}</Tag>}
          </List.Item>
        )}
      />
    );
  }
  return (
    <Typography.Paragraph>
      <pre style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 12 }} data-testid="content-body">
        {JSON.stringify(body, null, 2)}
      </pre>
    </Typography.Paragraph>
  );
}
