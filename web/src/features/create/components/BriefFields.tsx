import { Col, Form, Input, Row, Select } from 'antd';
import { zhCN } from '../../../locales/zh-CN';
import { BrandPicker } from './BrandPicker';

const t = zhCN.create;

/** The brief every generation shares: topic, audience, tone, product, keywords and brand profile. */
export function BriefFields({ product = true }: { product?: boolean }) {
  return (
    <>
      <Form.Item name="topic" label={t.topic} rules={[{ required: true, whitespace: true, max: 200 }]}>
        <Input placeholder={t.topicPlaceholder} maxLength={200} data-testid="topic" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="audience" label={t.audience}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="tone" label={t.tone}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      {product && (
        <Form.Item name="product" label={t.product}>
          <Input maxLength={100} />
        </Form.Item>
      )}
      <Form.Item name="keywords" label={t.keywords}>
        <Select mode="tags" maxCount={10} placeholder={t.keywordsPlaceholder} open={false} />
      </Form.Item>
      <Form.Item name="brand_id" label={t.brand}>
        <BrandPicker />
      </Form.Item>
    </>
  );
}

/** The brief's fields as the BFF takes them: trimmed, empty ones left out. */
export interface BriefValues {
  topic: string;
  audience?: string;
  tone?: string;
  product?: string;
  keywords?: string[];
  brand_id?: string;
}

export function briefOf(values: BriefValues) {
  return {
    topic: values.topic.trim(),
    audience: values.audience?.trim() || undefined,
    tone: values.tone?.trim() || undefined,
    product: values.product?.trim() || undefined,
    keywords: values.keywords ?? [],
    brand_id: values.brand_id || undefined,
  };
}
