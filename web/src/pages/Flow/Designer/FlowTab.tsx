import {
  ApartmentOutlined,
  ArrowDownOutlined,
  ArrowLeftOutlined,
  ArrowRightOutlined,
  ArrowUpOutlined,
  AuditOutlined,
  BranchesOutlined,
  CloseOutlined,
  MinusOutlined,
  PlusOutlined,
  SendOutlined,
  ToolOutlined,
  UndoOutlined,
  UserOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Drawer,
  Dropdown,
  Flex,
  Form,
  Input,
  Popconfirm,
  Radio,
  Tooltip,
  Typography,
} from 'antd';
import {
  createContext,
  type MouseEvent,
  type ReactNode,
  useContext,
  useMemo,
  useState,
} from 'react';
import type { Field, FormSpec } from '../../../forms/types';
import { useIsMobile } from '../../../hooks/useIsMobile';
import { useT } from '../../../i18n';
import { ConditionEditor, OP_KEY, useConditionFields } from './ConditionEditor';
import { type CondField, describeCondition, fromExpression } from './conditions';
import { limitText, type Names, nodeSummary, nodeTitle, typeLabel } from './labels';
import { NodeSettings, TimeLimitInput } from './NodeSettings';
import { useOrgNames, useUserNames } from './pickers';
import './designer.css';
import {
  ADDABLE,
  addBranch,
  type BlockNode,
  type BranchNames,
  branchId,
  canMove,
  canMoveBranch,
  createNode,
  defaultBranch,
  type FlowTree,
  findNode,
  insertNode,
  isBlock,
  isConditional,
  moveBranch,
  moveNode,
  type NodeType,
  newKey,
  type Place,
  type Problems,
  ROOT,
  removeBranch,
  removeNode,
  type TreeNode,
  type UserTreeNode,
  updateBranch,
  updateNode,
  walk,
} from './tree';

type Selection =
  | { kind: 'start' }
  | { kind: 'node'; key: string }
  | { kind: 'branch'; block: string; index: number };

interface Ctx {
  tree: FlowTree;
  /** A branch condition in words, when the rule builder can read it. */
  describe: (condition: string) => string | null;
  change: (tree: FlowTree) => void;
  select: (s: Selection) => void;
  selected: Selection | null;
  problems: Problems;
  names: Names;
  fields: readonly Field[];
  starters: string;
}

const DesignerContext = createContext<Ctx | null>(null);

function useDesigner(): Ctx {
  const c = useContext(DesignerContext);
  if (!c) throw new Error('outside the designer');
  return c;
}

const TYPE_ICON: Record<NodeType, ReactNode> = {
  approver: <AuditOutlined />,
  handler: <ToolOutlined />,
  cc: <SendOutlined />,
  conditions: <BranchesOutlined />,
  parallel: <ApartmentOutlined />,
  inclusive: <BranchesOutlined />,
};

/** Stops a click on a card's tool from opening the card. */
const stop = (e: MouseEvent) => e.stopPropagation();

function useBranchNames(): BranchNames {
  const t = useT();
  return useMemo(
    () => ({
      condition: (n) => t('designer.branch.condition', { n }),
      otherwise: t('designer.branch.otherwise'),
      parallel: (n) => t('designer.branch.parallel', { n }),
      node: (type) => typeLabel(type, t),
    }),
    [t],
  );
}

function AddButton({ place, index }: { place: Place; index: number }) {
  const t = useT();
  const { tree, change, select } = useDesigner();
  const names = useBranchNames();
  return (
    <div className="fd-add">
      <Dropdown
        trigger={['click']}
        menu={{
          items: ADDABLE.map((type) => ({
            key: type,
            icon: TYPE_ICON[type],
            label: typeLabel(type, t),
          })),
          onClick: ({ key }) => {
            const type = key as NodeType;
            const node = createNode(type, newKey(tree, type), names);
            change(insertNode(tree, place, index, node));
            if (!isBlock(node)) select({ kind: 'node', key: node.id });
          },
        }}
      >
        <Button
          className="fd-add-btn"
          type="primary"
          shape="circle"
          size="small"
          icon={<PlusOutlined />}
          aria-label={t('designer.addStep')}
        />
      </Dropdown>
    </div>
  );
}

function Errors({ list }: { list: readonly string[] | undefined }) {
  if (!list?.length) return null;
  return (
    <div className="fd-card-errors" role="alert">
      {list.map((m) => (
        <div key={m}>{m}</div>
      ))}
    </div>
  );
}

function NodeTools({ node }: { node: TreeNode }) {
  const t = useT();
  const { tree, change } = useDesigner();
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: only keeps clicks from the card
    // biome-ignore lint/a11y/useKeyWithClickEvents: only keeps clicks from the card
    <span className="fd-tools" onClick={stop}>
      <Button
        type="text"
        size="small"
        icon={<ArrowUpOutlined />}
        aria-label={t('designer.moveUp')}
        disabled={!canMove(tree, node.id, -1)}
        onClick={() => change(moveNode(tree, node.id, -1))}
      />
      <Button
        type="text"
        size="small"
        icon={<ArrowDownOutlined />}
        aria-label={t('designer.moveDown')}
        disabled={!canMove(tree, node.id, 1)}
        onClick={() => change(moveNode(tree, node.id, 1))}
      />
      {isBlock(node) ? (
        <Popconfirm
          title={t('designer.removeBlockConfirm')}
          okText={t('common.delete')}
          cancelText={t('common.cancel')}
          onConfirm={() => change(removeNode(tree, node.id))}
        >
          <Button
            type="text"
            size="small"
            icon={<CloseOutlined />}
            aria-label={t('designer.removeStep')}
          />
        </Popconfirm>
      ) : (
        <Button
          type="text"
          size="small"
          icon={<CloseOutlined />}
          aria-label={t('designer.removeStep')}
          onClick={() => change(removeNode(tree, node.id))}
        />
      )}
    </span>
  );
}

function UserCard({ node }: { node: UserTreeNode }) {
  const t = useT();
  const { select, selected, problems, names, fields } = useDesigner();
  const errors = problems.nodes[node.id];
  const { who, how } = nodeSummary(node, t, names, fields);
  const title = nodeTitle(node, t);
  const isSelected = selected?.kind === 'node' && selected.key === node.id;
  const open = () => select({ kind: 'node', key: node.id });
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole card is a click target; its title is the keyboard and screen-reader entry
    // biome-ignore lint/a11y/useKeyWithClickEvents: the title button takes the keys
    <div
      className={`fd-card${errors?.length ? ' fd-error' : ''}${isSelected ? ' fd-selected' : ''}`}
      data-testid={`node-${node.id}`}
      data-error={errors?.length ? 'true' : undefined}
      onClick={open}
    >
      <div className={`fd-card-head fd-head-${node.type}`}>
        {TYPE_ICON[node.type]}
        <button type="button" className="fd-card-title fd-open">
          {title}
        </button>
        <NodeTools node={node} />
      </div>
      <div className="fd-card-body">
        {who ? (
          <div>{who}</div>
        ) : (
          <div className="fd-placeholder">{t(`designer.pick.${node.type}`)}</div>
        )}
        {how.length ? <div className="fd-card-how">{how.join(' · ')}</div> : null}
      </div>
      <Errors list={errors} />
    </div>
  );
}

function BranchCard({ block, index }: { block: BlockNode; index: number }) {
  const t = useT();
  const { tree, change, select, selected, problems, describe } = useDesigner();
  const branch = block.branches[index];
  if (!branch) return null;
  const id = branchId(block.id, index);
  const errors = problems.branches[id];
  const conditional = isConditional(block);
  const isDefault = defaultBranch(block) === index;
  const title =
    branch.name?.trim() ||
    (conditional
      ? t('designer.branch.condition', { n: index + 1 })
      : t('designer.branch.parallel', { n: index + 1 }));
  const isSelected =
    selected?.kind === 'branch' && selected.block === block.id && selected.index === index;
  const open = () => select({ kind: 'branch', block: block.id, index });
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole card is a click target; its title is the keyboard and screen-reader entry
    // biome-ignore lint/a11y/useKeyWithClickEvents: the title button takes the keys
    <div
      className={`fd-card fd-branch-card${errors?.length ? ' fd-error' : ''}${isSelected ? ' fd-selected' : ''}`}
      data-testid={`branch-${id}`}
      data-error={errors?.length ? 'true' : undefined}
      onClick={open}
    >
      <div className="fd-card-head">
        <button type="button" className="fd-card-title fd-open">
          {title}
        </button>
        {conditional ? (
          <span className="fd-priority">
            {isDefault ? t('designer.defaultBranch') : t('designer.priority', { n: index + 1 })}
          </span>
        ) : null}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: only keeps clicks from the card */}
        {/* biome-ignore lint/a11y/useKeyWithClickEvents: only keeps clicks from the card */}
        <span className="fd-tools" onClick={stop}>
          {canMoveBranch(block, index, -1) ? (
            <Button
              type="text"
              size="small"
              icon={<ArrowLeftOutlined />}
              aria-label={t('designer.moveLeft')}
              onClick={() => change(moveBranch(tree, block.id, index, -1))}
            />
          ) : null}
          {canMoveBranch(block, index, 1) ? (
            <Button
              type="text"
              size="small"
              icon={<ArrowRightOutlined />}
              aria-label={t('designer.moveRight')}
              onClick={() => change(moveBranch(tree, block.id, index, 1))}
            />
          ) : null}
          {!isDefault ? (
            <Popconfirm
              title={
                block.branches.length <= 2
                  ? t('designer.removeLastBranchConfirm')
                  : t('designer.removeBranchConfirm')
              }
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              onConfirm={() => change(removeBranch(tree, block.id, index))}
            >
              <Button
                type="text"
                size="small"
                icon={<CloseOutlined />}
                aria-label={t('designer.removeBranch')}
              />
            </Popconfirm>
          ) : null}
        </span>
      </div>
      <div className="fd-card-body">
        {!conditional ? (
          <span className="fd-placeholder">{t('designer.branch.parallelBody')}</span>
        ) : isDefault ? (
          <span className="fd-placeholder">{t('designer.branch.otherwiseBody')}</span>
        ) : branch.condition ? (
          (describe(branch.condition) ?? <span className="fd-code">{branch.condition}</span>)
        ) : (
          <span className="fd-placeholder">{t('designer.branch.noCondition')}</span>
        )}
      </div>
      <Errors list={errors} />
    </div>
  );
}

function BlockView({ node }: { node: BlockNode }) {
  const t = useT();
  const { tree, change, problems } = useDesigner();
  const names = useBranchNames();
  const conditional = isConditional(node);
  const errors = problems.nodes[node.id];
  return (
    <div
      className={`fd-block fd-block-${node.type}`}
      data-testid={`block-${node.id}`}
      data-error={errors?.length ? 'true' : undefined}
    >
      <div className="fd-block-head">
        <Button
          shape="round"
          size="small"
          onClick={() =>
            change(
              addBranch(tree, node.id, {
                name: conditional
                  ? names.condition(node.branches.length)
                  : names.parallel(node.branches.length + 1),
                nodes: [],
              }),
            )
          }
        >
          {conditional ? t('designer.addCondition') : t('designer.addBranch')}
        </Button>
        <Tooltip title={typeLabel(node.type, t)}>
          <span>{TYPE_ICON[node.type]}</span>
        </Tooltip>
        <NodeTools node={node} />
      </div>
      {errors?.length ? (
        <div
          className="fd-card"
          style={{ width: 'auto', margin: '20px 0 -8px', cursor: 'default' }}
        >
          <Errors list={errors} />
        </div>
      ) : null}
      <div className="fd-branches">
        {node.branches.map((b, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: branches are known by position
          <div className="fd-branch" key={i}>
            <div className="fd-cover fd-cover-top" />
            <div className="fd-cover fd-cover-bottom" />
            <div className="fd-list">
              <BranchCard block={node} index={i} />
              <NodeList nodes={b.nodes ?? []} place={{ block: node.id, branch: i }} />
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

function NodeList({ nodes, place }: { nodes: TreeNode[]; place: Place }) {
  return (
    <>
      <AddButton place={place} index={0} />
      {nodes.map((n, i) => (
        <div key={n.id} style={{ display: 'contents' }}>
          {isBlock(n) ? <BlockView node={n} /> : <UserCard node={n} />}
          <AddButton place={place} index={i + 1} />
        </div>
      ))}
    </>
  );
}

function StartCard() {
  const t = useT();
  const { select, selected, starters } = useDesigner();
  const open = () => select({ kind: 'start' });
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole card is a click target; its title is the keyboard and screen-reader entry
    // biome-ignore lint/a11y/useKeyWithClickEvents: the title button takes the keys
    <div
      className={`fd-card${selected?.kind === 'start' ? ' fd-selected' : ''}`}
      data-testid="node-start"
      onClick={open}
    >
      <div className="fd-card-head fd-head-start">
        <UserOutlined />
        <button type="button" className="fd-card-title fd-open">
          {t('designer.initiator')}
        </button>
      </div>
      <div className="fd-card-body">{starters}</div>
    </div>
  );
}

function StartSettings({
  tree,
  change,
  onEditStarters,
}: {
  tree: FlowTree;
  change: (t: FlowTree) => void;
  onEditStarters?: () => void;
}) {
  const t = useT();
  const { starters } = useDesigner();
  return (
    <Form layout="vertical" component="div">
      <Form.Item label={t('designer.whoMayStart')}>
        <Flex vertical gap={4} align="flex-start">
          <span>{starters}</span>
          {onEditStarters ? (
            <Button type="link" style={{ padding: 0 }} onClick={onEditStarters}>
              {t('designer.editStarters')}
            </Button>
          ) : null}
        </Flex>
      </Form.Item>
      <Form.Item label={t('designer.resubmit')}>
        <Radio.Group
          aria-label={t('designer.resubmit')}
          value={tree.resubmit ?? 'from_start'}
          onChange={(e) => change({ ...tree, resubmit: e.target.value })}
          style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
          options={[
            { value: 'from_start', label: t('designer.resubmit.from_start') },
            { value: 'to_sender', label: t('designer.resubmit.to_sender') },
          ]}
        />
      </Form.Item>
      <Form.Item label={t('designer.flowTimeLimit')} extra={t('designer.flowTimeLimitHint')}>
        <TimeLimitInput
          label={t('designer.flowTimeLimit')}
          value={tree.time_limit}
          onChange={(time_limit) => {
            const next = { ...tree, time_limit };
            if (!time_limit) delete next.time_limit;
            change(next);
          }}
        />
      </Form.Item>
      {tree.time_limit ? (
        <Typography.Text type="secondary">{limitText(tree.time_limit, t)}</Typography.Text>
      ) : null}
    </Form>
  );
}

function BranchSettings({ block, index }: { block: BlockNode; index: number }) {
  const t = useT();
  const { tree, change, problems, fields } = useDesigner();
  const branch = block.branches[index];
  if (!branch) return null;
  const errors = problems.branches[branchId(block.id, index)] ?? [];
  const isDefault = defaultBranch(block) === index;
  return (
    <Flex vertical gap={12}>
      {errors.length ? (
        <Alert type="error" showIcon title={errors.map((e) => <div key={e}>{e}</div>)} />
      ) : null}
      <Form layout="vertical" component="div">
        <Form.Item label={t('designer.branchName')} htmlFor="designer-branch-name">
          <Input
            id="designer-branch-name"
            value={branch.name ?? ''}
            maxLength={64}
            onChange={(e) => change(updateBranch(tree, block.id, index, { name: e.target.value }))}
          />
        </Form.Item>
        {!isConditional(block) ? (
          <Typography.Text type="secondary">{t('designer.branch.parallelHint')}</Typography.Text>
        ) : isDefault ? (
          <Typography.Text type="secondary">{t('designer.branch.otherwiseHint')}</Typography.Text>
        ) : (
          <Form.Item label={t('designer.condition')}>
            <ConditionEditor
              key={`${block.id}#${index}`}
              value={branch.condition}
              fields={fields}
              onChange={(condition) =>
                change(updateBranch(tree, block.id, index, { condition: condition ?? '' }))
              }
            />
          </Form.Item>
        )}
      </Form>
    </Flex>
  );
}

const ZOOMS = [0.5, 0.75, 0.9, 1, 1.25];

/** Person ids a condition compares with (their names label the branch card). */
function usersIn(condition: string | undefined, fields: readonly CondField[]): string[] {
  const model = condition ? fromExpression(condition, fields) : null;
  const users = new Set(fields.filter((f) => f.type === 'user').map((f) => f.path));
  return (model?.groups ?? []).flatMap((g) =>
    g.rules
      .filter((r) => users.has(r.field))
      .flatMap((r) => (Array.isArray(r.value) ? r.value : [r.value])),
  );
}

/** The tree designer: the flow drawn top-down, a drawer for the step or branch clicked. */
export function FlowTab({
  tree,
  onChange,
  form,
  onFormChange,
  problems,
  starters,
  onEditStarters,
  toolbar,
}: {
  tree: FlowTree;
  onChange: (tree: FlowTree) => void;
  form: FormSpec;
  onFormChange: (form: FormSpec) => void;
  problems: Problems;
  /** Who may start, in words, for the initiator's card. */
  starters: string;
  onEditStarters?: () => void;
  /** More buttons for the toolbar (BPMN import and download). */
  toolbar?: ReactNode;
}) {
  const t = useT();
  const isMobile = useIsMobile();
  const [selected, setSelected] = useState<Selection | null>(null);
  const [past, setPast] = useState<FlowTree[]>([]);
  const [zoom, setZoom] = useState(1);
  const orgNames = useOrgNames();
  const fields = form.fields ?? [];
  const condFields = useConditionFields(fields);
  const userIds = useMemo(
    () => [
      ...new Set(
        walk(tree).flatMap(({ node }) =>
          isBlock(node)
            ? node.branches.flatMap((b) => usersIn(b.condition, condFields))
            : (node.participants ?? []).flatMap((r) => (r.type === 'users' ? r.users : [])),
        ),
      ),
    ],
    [tree, condFields],
  );
  const users = useUserNames(userIds);
  const names: Names = useMemo(() => ({ ...orgNames, user: users }), [orgNames, users]);
  const describe = (condition: string): string | null => {
    const model = fromExpression(condition, condFields);
    if (!model) return null;
    return describeCondition(model, condFields, {
      op: (op) => t(`designer.op.${OP_KEY[op]}`),
      and: t('designer.cond.and'),
      or: t('designer.cond.or'),
      value: (f, v) => {
        if (f.type === 'user') return users.get(v) ?? t('flow.unknownPerson');
        if (f.type === 'department') return orgNames.department.get(v) ?? t('flow.unknownName');
        if (f.type === 'post') return orgNames.post.get(v) ?? t('flow.unknownName');
        return v;
      },
    });
  };

  const change = (next: FlowTree) => {
    if (next === tree) return;
    setPast((p) => [...p.slice(-49), tree]);
    onChange(next);
  };
  const undo = () => {
    const prev = past.at(-1);
    if (!prev) return;
    setPast((p) => p.slice(0, -1));
    onChange(prev);
  };

  const ctx: Ctx = {
    tree,
    describe,
    change,
    select: setSelected,
    selected,
    problems,
    names,
    fields,
    starters,
  };

  let drawerTitle = '';
  let drawerBody: ReactNode = null;
  if (selected?.kind === 'start') {
    drawerTitle = t('designer.initiator');
    drawerBody = (
      <StartSettings
        tree={tree}
        change={change}
        onEditStarters={
          onEditStarters
            ? () => {
                setSelected(null);
                onEditStarters();
              }
            : undefined
        }
      />
    );
  } else if (selected?.kind === 'node') {
    const at = findNode(tree, selected.key);
    if (at && !isBlock(at.node)) {
      const node = at.node;
      drawerTitle = nodeTitle(node, t);
      drawerBody = (
        <NodeSettings
          key={node.id}
          node={node}
          onChange={(n) => change(updateNode(tree, node.id, () => n))}
          form={form}
          onFormChange={onFormChange}
          problems={problems.nodes[node.id] ?? []}
        />
      );
    }
  } else if (selected?.kind === 'branch') {
    const at = findNode(tree, selected.block);
    if (at && isBlock(at.node) && at.node.branches[selected.index]) {
      drawerTitle = typeLabel(at.node.type, t);
      drawerBody = <BranchSettings block={at.node} index={selected.index} />;
    }
  }

  const zoomAt = ZOOMS.indexOf(zoom);
  return (
    <DesignerContext.Provider value={ctx}>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <Button icon={<UndoOutlined />} disabled={past.length === 0} onClick={undo}>
          {t('designer.undo')}
        </Button>
        <Flex gap={4} align="center">
          <Button
            icon={<MinusOutlined />}
            aria-label={t('designer.zoomOut')}
            disabled={zoomAt <= 0}
            onClick={() => setZoom(ZOOMS[zoomAt - 1] ?? zoom)}
          />
          <span style={{ minWidth: 44, textAlign: 'center' }}>{Math.round(zoom * 100)}%</span>
          <Button
            icon={<PlusOutlined />}
            aria-label={t('designer.zoomIn')}
            disabled={zoomAt >= ZOOMS.length - 1}
            onClick={() => setZoom(ZOOMS[zoomAt + 1] ?? zoom)}
          />
        </Flex>
        {toolbar}
      </Flex>
      {problems.general.length > 0 ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="flow-problems"
          title={problems.general.map((m) => <div key={m}>{m}</div>)}
        />
      ) : null}
      <div className="fd-scroll" data-testid="flow-designer">
        <div className="fd-canvas" style={{ zoom }}>
          <div className="fd-list">
            <StartCard />
            <NodeList nodes={tree.nodes} place={ROOT} />
            <div className="fd-end">{t('designer.end')}</div>
          </div>
        </div>
      </div>
      <Drawer
        open={drawerBody !== null}
        title={drawerTitle}
        size={isMobile ? '100%' : 560}
        onClose={() => setSelected(null)}
        destroyOnHidden
      >
        {drawerBody}
      </Drawer>
    </DesignerContext.Provider>
  );
}
