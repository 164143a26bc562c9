import {
  AccountBookOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  BookOutlined,
  CalendarOutlined,
  CarOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  CoffeeOutlined,
  ContactsOutlined,
  ContainerOutlined,
  CreditCardOutlined,
  DesktopOutlined,
  DollarOutlined,
  EnvironmentOutlined,
  FileAddOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FlagOutlined,
  FormOutlined,
  GiftOutlined,
  GlobalOutlined,
  HomeOutlined,
  IdcardOutlined,
  InboxOutlined,
  LaptopOutlined,
  MailOutlined,
  MedicineBoxOutlined,
  MoneyCollectOutlined,
  NotificationOutlined,
  PayCircleOutlined,
  PhoneOutlined,
  PrinterOutlined,
  ProfileOutlined,
  ProjectOutlined,
  ReconciliationOutlined,
  RocketOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SettingOutlined,
  ShopOutlined,
  ShoppingCartOutlined,
  ShoppingOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  TrophyOutlined,
  UserAddOutlined,
  UserDeleteOutlined,
  UserOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import type { ComponentType } from 'react';

type Icon = ComponentType;

/** @ant-design/icons names a template's `icon` may carry (those an OA form plausibly uses). */
const BY_NAME: Record<string, Icon> = {
  AccountBookOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  BookOutlined,
  CalendarOutlined,
  CarOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  CoffeeOutlined,
  ContactsOutlined,
  ContainerOutlined,
  CreditCardOutlined,
  DesktopOutlined,
  DollarOutlined,
  EnvironmentOutlined,
  FileAddOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  FlagOutlined,
  FormOutlined,
  GiftOutlined,
  GlobalOutlined,
  HomeOutlined,
  IdcardOutlined,
  InboxOutlined,
  LaptopOutlined,
  MailOutlined,
  MedicineBoxOutlined,
  MoneyCollectOutlined,
  NotificationOutlined,
  PayCircleOutlined,
  PhoneOutlined,
  PrinterOutlined,
  ProfileOutlined,
  ProjectOutlined,
  ReconciliationOutlined,
  RocketOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SettingOutlined,
  ShopOutlined,
  ShoppingCartOutlined,
  ShoppingOutlined,
  SolutionOutlined,
  TeamOutlined,
  ToolOutlined,
  TrophyOutlined,
  UserAddOutlined,
  UserDeleteOutlined,
  UserOutlined,
  WalletOutlined,
};

/**
 * The short names the template editor's icon picker stores (`leave`, `expense` …), as the
 * @ant-design/icons name they stand for.
 */
const SHORT_NAMES = {
  file: 'FileTextOutlined',
  expense: 'AccountBookOutlined',
  payment: 'WalletOutlined',
  leave: 'CalendarOutlined',
  trip: 'CarOutlined',
  purchase: 'ShoppingCartOutlined',
  contract: 'FileProtectOutlined',
  seal: 'SafetyCertificateOutlined',
  hire: 'SolutionOutlined',
  team: 'TeamOutlined',
  asset: 'DesktopOutlined',
  repair: 'ToolOutlined',
  project: 'ProjectOutlined',
  visitor: 'ContactsOutlined',
  finance: 'BankOutlined',
  meeting: 'CoffeeOutlined',
  welfare: 'GiftOutlined',
  audit: 'AuditOutlined',
} as const;

/** The short names (the picker's), as their @ant-design/icons names. */
export const ICON_ALIASES: Readonly<Record<string, string>> = SHORT_NAMES;

export type ShortIconName = keyof typeof SHORT_NAMES;

/** The short names, in the picker's order. */
export const SHORT_ICON_NAMES = Object.keys(SHORT_NAMES) as ShortIconName[];

/** The generic icon of a template whose icon is empty or unknown. */
export const GENERIC_ICON = 'FileTextOutlined';

/** Pure: the @ant-design/icons name drawn for a template's `icon` (unknown: the generic one). */
export function iconName(icon: string | null | undefined): string {
  const name = (icon ?? '').trim();
  if (BY_NAME[name]) return name;
  const alias = ICON_ALIASES[name] ?? ICON_ALIASES[name.toLowerCase()];
  return alias ?? GENERIC_ICON;
}

/** Tile colours, like the tiles of DingTalk's approval list; one per icon name. */
const COLORS = ['#1677ff', '#fa8c16', '#52c41a', '#722ed1', '#13c2c2', '#eb2f96'];

function colorOf(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return COLORS[h % COLORS.length] ?? '#1677ff';
}

/**
 * A template's icon on a coloured tile: both naming styles (the picker's short names and
 * @ant-design/icons names such as the built-in templates carry). The one mapping every page
 * shares (the start catalogue, the template list and editor).
 */
export function StartIcon({ icon, size = 36 }: { icon?: string | null; size?: number }) {
  const name = iconName(icon);
  const Glyph = BY_NAME[name] ?? FileTextOutlined;
  return (
    <span
      data-icon={name}
      aria-hidden
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        justifyContent: 'center',
        width: size,
        height: size,
        borderRadius: size / 4,
        background: colorOf(name),
        color: '#fff',
        fontSize: size * 0.55,
        flex: 'none',
      }}
    >
      <Glyph />
    </span>
  );
}
