import type { GlobalToken } from 'antd';
import type { CSSProperties } from 'react';

/**
 * The style of a page's action bar: fixed to the bottom of a phone's screen (above the home
 * indicator), sticky under the content on larger screens.
 */
export function bottomBarStyle(token: GlobalToken, isMobile: boolean): CSSProperties {
  return isMobile
    ? {
        position: 'fixed',
        left: 0,
        right: 0,
        bottom: 0,
        zIndex: 100,
        padding: '8px 12px calc(8px + env(safe-area-inset-bottom))',
        background: token.colorBgContainer,
        borderTop: `1px solid ${token.colorBorderSecondary}`,
        boxShadow: token.boxShadowSecondary,
      }
    : {
        position: 'sticky',
        bottom: 0,
        zIndex: 10,
        padding: '12px 16px',
        marginTop: 16,
        background: token.colorBgContainer,
        border: `1px solid ${token.colorBorderSecondary}`,
        borderRadius: token.borderRadiusLG,
        boxShadow: token.boxShadowTertiary,
      };
}
