import { SHORT_ICON_NAMES, type ShortIconName, StartIcon } from '../../Start/icons';

/**
 * The short names the icon picker offers (stored in a template's `icon`). Templates may also
 * carry @ant-design/icons names (`CalendarOutlined`, as the built-in ones do); both draw through
 * the one mapping in `pages/Start/icons`.
 */
export type IconName = ShortIconName;

export const ICON_NAMES: readonly IconName[] = SHORT_ICON_NAMES;

/** A template's icon on a coloured tile; unknown or empty names show the generic file. */
export function TemplateIcon({ name, size = 28 }: { name?: string | null; size?: number }) {
  return <StartIcon icon={name} size={size} />;
}
