import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { brandsListBrandsOptions } from '../../../client/@tanstack/react-query.gen';
import { zhCN } from '../../../locales/zh-CN';

const t = zhCN.create;

interface Props {
  value?: string | null;
  onChange?: (value: string | undefined) => void;
}

/**
 * The tenant's brand profiles (not archived), for a generation to write in that brand's voice; empty is
 * "no brand". A form control: `value` / `onChange` come from its Form.Item.
 */
export function BrandPicker({ value, onChange }: Props) {
  const brands = useQuery(brandsListBrandsOptions({ query: { limit: 100 } }));
  return (
    <Select
      allowClear
      value={value ?? undefined}
      onChange={(v) => onChange?.(v)}
      loading={brands.isPending}
      status={brands.isError ? 'error' : undefined}
      placeholder={brands.isError ? t.brandsFailed : t.brandPlaceholder}
      notFoundContent={t.noBrands}
      options={(brands.data?.items ?? []).map((b) => ({
        value: b.id,
        label: `${b.profile.name} · v${b.version}`,
      }))}
      data-testid="brand"
    />
  );
}
