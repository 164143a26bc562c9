import { GlobalOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown } from 'antd';
import { type Me, meKey, patchMyLocale } from '../auth/session';
import { useI18n } from '../i18n';
import { isLocale, type Locale } from '../i18n/locale';

export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

/** Switches the UI language; when signed in, also saves it to the profile. */
export function LanguageSwitch({ signedIn }: { signedIn: boolean }) {
  const { locale, setLocale, t } = useI18n();
  const queryClient = useQueryClient();

  const choose = async (next: Locale) => {
    setLocale(next, true);
    if (!signedIn) return;
    try {
      const me = await patchMyLocale(next);
      queryClient.setQueryData<Me | null>(meKey, me);
    } catch {
      // The device keeps the choice; the profile catches up on the next switch.
    }
    // Server-made text (role names, messages) comes in the new language.
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
  };

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: (Object.keys(LOCALE_NAMES) as Locale[]).map((l) => ({
          key: l,
          label: <span lang={l}>{LOCALE_NAMES[l]}</span>,
        })),
        onClick: ({ key }) => {
          if (isLocale(key)) void choose(key);
        },
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} aria-label={t('layout.language')}>
        {LOCALE_NAMES[locale]}
      </Button>
    </Dropdown>
  );
}
