import { Col, Form, Row, Select } from 'antd';
import type { CopywritingRequest } from '../../client/types.gen';
import type { BriefValues } from '../../features/create/components/BriefFields';
import { briefOf } from '../../features/create/components/BriefFields';
import { CopyCard } from '../../features/create/components/CopyCard';
import { GeneratorPage } from '../../features/create/components/GeneratorPage';
import { PLATFORMS, usePlatformRules } from '../../features/create/platforms';
import { useCopywritingGeneration } from '../../features/create/useGeneration';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.create;

interface CopyForm extends BriefValues {
  platforms: CopywritingRequest['platforms'];
}

/** Multi-platform copy: one brief, each platform's copy side by side with its rules and counters. */
export function CopywritingPage() {
  const generation = useCopywritingGeneration();
  const rules = usePlatformRules();
  return (
    <GeneratorPage<CopyForm, NonNullable<typeof generation.result>>
      page="create.copywriting"
      texts={{
        title: t.copyTitle,
        intro: t.copyIntro,
        submit: t.copySubmit,
        results: t.copyResults,
        empty: t.copyEmpty,
      }}
      formSpan={8}
      initialValues={{ platforms: ['douyin', 'xiaohongshu'] }}
      fields={
        <Form.Item name="platforms" label={t.copyPlatforms} rules={[{ required: true }]}>
          <Select mode="multiple" options={[...PLATFORMS]} data-testid="platforms" />
        </Form.Item>
      }
      generation={generation}
      onGenerate={(values) => generation.start({ ...briefOf(values), platforms: values.platforms })}
      result={generation.result}
      renderResult={(result, terms) => (
        <Row gutter={[12, 12]}>
          {result.copies.map((copy) => (
            <Col key={copy.platform} xs={24} md={12} xxl={Math.max(6, 24 / result.copies.length)}>
              <CopyCard copy={copy} rules={rules.byPlatform.get(copy.platform)} terms={terms} />
            </Col>
          ))}
        </Row>
      )}
    />
  );
}
