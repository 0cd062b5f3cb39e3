import { Alert } from 'antd';
import type { ComplianceReport } from '../../../client/types.gen';
import { fmt } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';

const t = zhCN.create;

/** Passed, or each finding with its category and the suggested wording. */
export function ComplianceSummary({ report }: { report: ComplianceReport }) {
  const findings = report.findings ?? [];
  if (report.passed && findings.length === 0) {
    return <Alert type="success" showIcon message={t.compliancePassed} data-testid="compliance" />;
  }
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="compliance"
      message={fmt(t.complianceFailed, { count: findings.length })}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {findings.map((f) => (
            <li key={`${f.field}-${f.term}`}>
              {fmt(t.finding, {
                term: f.term,
                category: (t.categories as Record<string, string>)[f.category] ?? f.category,
                suggestion: f.suggestion,
              })}
            </li>
          ))}
        </ul>
      }
    />
  );
}
