import { Flex } from 'antd';
import { useT } from '../../../i18n';
import { ICON_NAMES, TemplateIcon } from './icons';

/** Picks a template icon from the preset tiles. */
export function IconPicker({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
}) {
  const t = useT();
  const current = value || 'file';
  return (
    <Flex id={id} wrap gap={6} role="group" aria-label={t('tpl.icon')}>
      {ICON_NAMES.map((name) => (
        <button
          key={name}
          type="button"
          aria-pressed={current === name}
          aria-label={t(`tpl.iconName.${name}`)}
          onClick={() => onChange?.(name)}
          style={{
            padding: 3,
            border: `2px solid ${current === name ? '#1677ff' : 'transparent'}`,
            borderRadius: 10,
            background: 'none',
            cursor: 'pointer',
            lineHeight: 0,
          }}
        >
          <TemplateIcon name={name} size={30} />
        </button>
      ))}
    </Flex>
  );
}
