import { DeleteOutlined, EditOutlined, StarFilled, StarOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Flex, Input, Popconfirm, Spin, Typography, theme } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { filterGroups, startPath, withFavourite } from './catalog';
import { StartIcon } from './icons';
import {
  addFavourite,
  type Catalog,
  type CatalogItem,
  type Draft,
  deleteDraft,
  getCatalog,
  listDrafts,
  removeFavourite,
  startKeys,
} from './services';

/** 发起审批: the templates I may start by category, my favourites, recently used and drafts. */
export default function StartCatalogPage() {
  const t = useT();
  const [search, setSearch] = useState('');
  useEffect(() => {
    document.title = `${t('menu.start')} - ${t('app.name')}`;
  }, [t]);
  const catalog = useQuery({ queryKey: startKeys.catalog, queryFn: getCatalog });
  const searching = search.trim() !== '';
  return (
    <>
      <PageHeader
        title={t('menu.start')}
        extra={
          <Input.Search
            allowClear
            aria-label={t('start.search')}
            placeholder={t('start.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ width: 260, maxWidth: '100%' }}
          />
        }
      />
      {catalog.error ? (
        <QueryError error={catalog.error} onRetry={() => void catalog.refetch()} />
      ) : catalog.isPending ? (
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      ) : (
        <CatalogBody catalog={catalog.data} search={search} searching={searching} />
      )}
      {searching ? null : <Drafts />}
    </>
  );
}

function CatalogBody({
  catalog,
  search,
  searching,
}: {
  catalog: Catalog;
  search: string;
  searching: boolean;
}) {
  const t = useT();
  const groups = useMemo(() => filterGroups(catalog.groups, search), [catalog.groups, search]);
  if (catalog.groups.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('start.empty')} />;
  return (
    <Flex vertical gap={24}>
      {!searching && catalog.favourites.length > 0 ? (
        <Section title={t('start.favourites')} testId="favourites" items={catalog.favourites} />
      ) : null}
      {!searching && catalog.recent.length > 0 ? (
        <Section title={t('start.recent')} testId="recent" items={catalog.recent} />
      ) : null}
      {groups.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('start.noMatch', { q: search.trim() })}
        />
      ) : (
        groups.map((g) => (
          <Section
            key={g.category}
            title={g.category || t('start.uncategorised')}
            testId="category"
            items={g.templates}
          />
        ))
      )}
    </Flex>
  );
}

function Section({
  title,
  items,
  testId,
}: {
  title: string;
  items: readonly CatalogItem[];
  testId: string;
}) {
  const isMobile = useIsMobile();
  return (
    <section data-testid={testId} aria-label={title}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: `repeat(auto-fill, minmax(${isMobile ? 150 : 240}px, 1fr))`,
          gap: isMobile ? 8 : 12,
        }}
      >
        {items.map((i) => (
          <TemplateCard key={i.id} item={i} />
        ))}
      </div>
    </section>
  );
}

function TemplateCard({ item }: { item: CatalogItem }) {
  const navigate = useNavigate();
  const isMobile = useIsMobile();
  return (
    <Card
      size="small"
      hoverable
      data-testid="template-card"
      onClick={() => navigate(startPath(item.id))}
      styles={{ body: { padding: isMobile ? 10 : 12 } }}
    >
      <Flex gap={isMobile ? 8 : 12} align="flex-start">
        <StartIcon icon={item.icon} size={isMobile ? 32 : 40} />
        <div style={{ flex: 1, minWidth: 0 }}>
          <Link
            to={startPath(item.id)}
            onClick={(e) => e.stopPropagation()}
            style={{ color: 'inherit', fontWeight: 500, display: 'block' }}
          >
            <Typography.Text ellipsis={{ tooltip: item.name }} style={{ color: 'inherit' }}>
              {item.name}
            </Typography.Text>
          </Link>
          {item.description ? (
            <Typography.Paragraph
              type="secondary"
              ellipsis={{ rows: 2 }}
              style={{ margin: 0, fontSize: 12 }}
            >
              {item.description}
            </Typography.Paragraph>
          ) : null}
        </div>
        <FavouriteButton item={item} />
      </Flex>
    </Card>
  );
}

function FavouriteButton({ item }: { item: CatalogItem }) {
  const t = useT();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const toggle = useMutation({
    mutationFn: (on: boolean) => (on ? addFavourite(item.id) : removeFavourite(item.id)),
    onMutate: async (on) => {
      await queryClient.cancelQueries({ queryKey: startKeys.catalog, exact: true });
      const before = queryClient.getQueryData<Catalog>(startKeys.catalog);
      if (before) queryClient.setQueryData(startKeys.catalog, withFavourite(before, item.id, on));
      return { before };
    },
    onError: (e, _on, context) => {
      if (context?.before) queryClient.setQueryData(startKeys.catalog, context.before);
      showError(e);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: startKeys.catalog, exact: true }),
  });
  const label = item.favourite ? t('start.unfavourite') : t('start.favourite');
  return (
    <Button
      type="text"
      size="small"
      aria-label={`${label} ${item.name}`}
      aria-pressed={item.favourite}
      title={label}
      icon={item.favourite ? <StarFilled style={{ color: '#faad14' }} /> : <StarOutlined />}
      onClick={(e) => {
        e.stopPropagation();
        toggle.mutate(!item.favourite);
      }}
    />
  );
}

/** 我的草稿: start forms saved for later, the latest first. */
function Drafts() {
  const t = useT();
  const fmt = useFormatTime();
  const { message } = App.useApp();
  const showError = useApiError();
  const queryClient = useQueryClient();
  const drafts = useQuery({ queryKey: startKeys.drafts, queryFn: listDrafts });
  const { token } = theme.useToken();
  const remove = useMutation({
    mutationFn: (id: string) => deleteDraft(id),
    onSuccess: (_v, id) => {
      queryClient.setQueryData<Draft[]>(startKeys.drafts, (list) =>
        list?.filter((d) => d.id !== id),
      );
      queryClient.removeQueries({ queryKey: startKeys.draft(id) });
      void queryClient.invalidateQueries({ queryKey: startKeys.drafts, exact: true });
      message.success(t('start.draftDeleted'));
    },
    onError: (e) => showError(e),
  });
  if (drafts.error)
    return (
      <div style={{ marginTop: 24 }}>
        <QueryError error={drafts.error} onRetry={() => void drafts.refetch()} />
      </div>
    );
  const items = drafts.data ?? [];
  if (items.length === 0) return null;
  return (
    <Card
      size="small"
      title={`${t('start.drafts')} (${items.length})`}
      style={{ marginTop: 24 }}
      data-testid="drafts"
    >
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((d, i) => {
          const name = d.template_name || t('flow.unknownTemplate');
          return (
            <li
              key={d.id}
              data-testid="draft"
              style={{
                padding: '8px 0',
                borderTop: i === 0 ? undefined : `1px solid ${token.colorBorderSecondary}`,
              }}
            >
              <Flex justify="space-between" align="center" wrap gap={8}>
                <div style={{ minWidth: 0 }}>
                  <Link to={startPath(d.template_id, d.id)} style={{ fontWeight: 500 }}>
                    {name}
                  </Link>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {t('start.draftSavedAt', { when: fmt(d.updated_at) })}
                  </Typography.Text>
                </div>
                <Flex gap={4} align="center">
                  <Link to={startPath(d.template_id, d.id)}>
                    <EditOutlined /> {t('start.resume')}
                  </Link>
                  <Popconfirm
                    title={t('start.draftDeleteConfirm')}
                    okText={t('common.delete')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => remove.mutateAsync(d.id).catch(() => undefined)}
                  >
                    <Button
                      type="link"
                      danger
                      size="small"
                      icon={<DeleteOutlined />}
                      aria-label={`${t('common.delete')} ${name}`}
                    >
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Flex>
              </Flex>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
