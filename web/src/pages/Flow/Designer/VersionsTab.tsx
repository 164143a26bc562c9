import { DownloadOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Flex, Skeleton, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { FlowDiagram } from '../../../components/FlowDiagram';
import { QueryError } from '../../../components/QueryError';
import { useFormatTime } from '../../../hooks/useTenantTime';
import { useT } from '../../../i18n';
import { downloadText, fileName, listVersions, templateKeys } from '../Templates/services';
import { useUserNames } from './pickers';

/** 版本: published versions, newest first, each with its notes, publisher, diagram and BPMN. */
export function VersionsTab({
  templateId,
  templateName,
  currentVersionId,
}: {
  templateId: string;
  templateName: string;
  currentVersionId?: string | null;
}) {
  const t = useT();
  const fmt = useFormatTime();
  const [shown, setShown] = useState<Set<string>>(() => new Set());
  const versions = useQuery({
    queryKey: templateKeys.versions(templateId),
    queryFn: () => listVersions(templateId),
  });
  const publishers = useMemo(
    () => [
      ...new Set((versions.data ?? []).map((v) => v.published_by).filter((x): x is string => !!x)),
    ],
    [versions.data],
  );
  const names = useUserNames(publishers);
  if (versions.error)
    return <QueryError error={versions.error} onRetry={() => void versions.refetch()} />;
  if (versions.isPending) return <Skeleton active />;
  if (versions.data.length === 0) return <Empty description={t('designer.versions.none')} />;
  const toggle = (id: string) =>
    setShown((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <Flex vertical gap={12}>
      {versions.data.map((v) => (
        <Card
          key={v.id}
          size="small"
          data-testid={`version-${v.version}`}
          title={
            <Flex gap={8} align="center" wrap>
              <span>{t('designer.versions.title', { n: v.version })}</span>
              {v.id === currentVersionId ? (
                <Tag color="success">{t('designer.versions.current')}</Tag>
              ) : null}
            </Flex>
          }
          extra={
            <Flex gap={4} wrap>
              <Button
                size="small"
                icon={<NodeIndexOutlined />}
                aria-expanded={shown.has(v.id)}
                onClick={() => toggle(v.id)}
              >
                {shown.has(v.id)
                  ? t('designer.versions.hideDiagram')
                  : t('designer.versions.diagram')}
              </Button>
              <Button
                size="small"
                icon={<DownloadOutlined />}
                onClick={() =>
                  downloadText(
                    v.bpmn,
                    fileName(`${templateName}-v${v.version}`, '.bpmn'),
                    'application/xml',
                  )
                }
              >
                BPMN
              </Button>
            </Flex>
          }
        >
          <Typography.Text type="secondary">
            {t('designer.versions.by', {
              who: v.published_by
                ? (names.get(v.published_by) ?? t('flow.unknownPerson'))
                : t('flow.unknownPerson'),
              when: fmt(v.published_at),
            })}
          </Typography.Text>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '8px 0 0' }}>
            {v.notes || (
              <Typography.Text type="secondary">{t('designer.versions.noNotes')}</Typography.Text>
            )}
          </Typography.Paragraph>
          {shown.has(v.id) ? (
            <div style={{ marginTop: 12 }}>
              <FlowDiagram bpmn={v.bpmn} />
            </div>
          ) : null}
        </Card>
      ))}
    </Flex>
  );
}
