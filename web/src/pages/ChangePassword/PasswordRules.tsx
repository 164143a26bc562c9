import { CheckCircleFilled, CloseCircleOutlined } from '@ant-design/icons';
import { theme } from 'antd';
import { type TFunction, useT } from '../../i18n';
import type { PasswordPolicy, PasswordRule, RuleCheck } from '../../utils/password';

export function ruleText(rule: PasswordRule, policy: PasswordPolicy, t: TFunction): string {
  switch (rule) {
    case 'length':
      return t('password.rule.length', { n: policy.min_length });
    case 'classes':
      return t('password.rule.classes', { n: policy.min_classes });
    case 'sequence':
      return t('password.rule.sequence');
    case 'username':
      return t('password.rule.username');
  }
}

/** The password rules, each ticked off live as the user types. */
export function PasswordRules({ checks, policy }: { checks: RuleCheck[]; policy: PasswordPolicy }) {
  const t = useT();
  const { token } = theme.useToken();
  return (
    <ul
      id="password-rules"
      aria-label={t('password.rules')}
      aria-live="polite"
      style={{ listStyle: 'none', padding: 0, margin: '0 0 16px' }}
    >
      {checks.map((c) => (
        <li
          key={c.rule}
          data-rule={c.rule}
          data-ok={c.ok}
          style={{ color: c.ok ? token.colorSuccess : token.colorTextSecondary, lineHeight: 1.8 }}
        >
          {c.ok ? <CheckCircleFilled /> : <CloseCircleOutlined />}{' '}
          <span>{ruleText(c.rule, policy, t)}</span>
          <span className="sr-only">{c.ok ? t('password.ruleMet') : t('password.ruleNotMet')}</span>
        </li>
      ))}
      {policy.forbid_common ? (
        <li style={{ color: token.colorTextSecondary, lineHeight: 1.8 }}>
          <span>· {t('password.rule.common')}</span>
        </li>
      ) : null}
    </ul>
  );
}
