import {
  AccountBookOutlined,
  AuditOutlined,
  BankOutlined,
  CalendarOutlined,
  CarOutlined,
  CoffeeOutlined,
  ContactsOutlined,
  DesktopOutlined,
  FileProtectOutlined,
  FileTextOutlined,
  GiftOutlined,
  ProjectOutlined,
  SafetyCertificateOutlined,
  ShoppingCartOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import type { ComponentType, CSSProperties } from 'react';

/** The icons a template may carry, by the name stored in its `icon`. */
export const TEMPLATE_ICONS = {
  file: FileTextOutlined,
  expense: AccountBookOutlined,
  payment: WalletOutlined,
  leave: CalendarOutlined,
  trip: CarOutlined,
  purchase: ShoppingCartOutlined,
  contract: FileProtectOutlined,
  seal: SafetyCertificateOutlined,
  hire: SolutionOutlined,
  team: TeamOutlined,
  asset: DesktopOutlined,
  repair: ToolOutlined,
  project: ProjectOutlined,
  visitor: ContactsOutlined,
  finance: BankOutlined,
  meeting: CoffeeOutlined,
  welfare: GiftOutlined,
  audit: AuditOutlined,
} satisfies Record<string, ComponentType<{ style?: CSSProperties }>>;

export type IconName = keyof typeof TEMPLATE_ICONS;

export const ICON_NAMES = Object.keys(TEMPLATE_ICONS) as IconName[];

const isIconName = (name: string | null | undefined): name is IconName =>
  Boolean(name && name in TEMPLATE_ICONS);

/** A colour per icon, like the tiles of DingTalk's approval list. */
const COLORS = ['#1677ff', '#fa8c16', '#52c41a', '#722ed1', '#13c2c2', '#eb2f96'];

/** A template's icon on a coloured tile; unknown or empty names show the generic file. */
export function TemplateIcon({ name, size = 28 }: { name?: string | null; size?: number }) {
  const key: IconName = isIconName(name) ? name : 'file';
  const Icon = TEMPLATE_ICONS[key];
  const color = COLORS[ICON_NAMES.indexOf(key) % COLORS.length];
  return (
    <span
      data-icon={key}
      aria-hidden
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        justifyContent: 'center',
        width: size,
        height: size,
        borderRadius: size / 4,
        background: color,
        color: '#fff',
        fontSize: size * 0.55,
        flex: 'none',
      }}
    >
      <Icon />
    </span>
  );
}
