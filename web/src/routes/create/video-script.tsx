import { Col, Form, InputNumber, Row, Select } from 'antd';
import type { VideoScriptRequest } from '../../client/types.gen';
import { type BriefValues, briefOf } from '../../features/create/components/BriefFields';
import { GeneratorPage } from '../../features/create/components/GeneratorPage';
import { ScriptView } from '../../features/create/components/ScriptView';
import { useVideoScriptGeneration } from '../../features/create/useGeneration';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.create;
const SCRIPT_TYPES = Object.entries(t.scriptTypes).map(([value, label]) => ({ value, label }));

interface ScriptForm extends BriefValues {
  script_type: NonNullable<VideoScriptRequest['script_type']>;
  duration_seconds: number;
}

/** Video scripts: the hook, then a shot table with each shot's time in the video. */
export function VideoScriptPage() {
  const generation = useVideoScriptGeneration();
  return (
    <GeneratorPage<ScriptForm, NonNullable<typeof generation.result>>
      page="create.videoScript"
      texts={{
        title: t.scriptTitle,
        intro: t.scriptIntro,
        submit: t.scriptSubmit,
        results: t.scriptResults,
        empty: t.scriptEmpty,
      }}
      formSpan={8}
      initialValues={{ script_type: 'product_seeding', duration_seconds: 60 }}
      fields={
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="script_type" label={t.scriptType}>
              <Select options={SCRIPT_TYPES} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="duration_seconds" label={t.duration}>
              <InputNumber min={10} max={600} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      }
      generation={generation}
      onGenerate={(values) =>
        generation.start({
          ...briefOf(values),
          script_type: values.script_type,
          duration_seconds: values.duration_seconds,
        })
      }
      result={generation.result}
      renderResult={(result, terms) => <ScriptView script={result.script} terms={terms} />}
    />
  );
}
