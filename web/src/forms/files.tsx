/** Attachments, images and the signature pad: files uploaded to `POST /api/v1/files`. */
import { DeleteOutlined, EditOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Flex, Image, Modal, Space, Spin, Typography } from 'antd';
import { type PointerEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useApiError } from '../hooks/useApiError';
import { useI18n, useT } from '../i18n';
import { fileSize, fileStamp } from './format';
import { fileMessage, message as issueMessage, numberText, plainLabel } from './messages';
import { fileUrl, uploadFile } from './services';
import type { Field, FileRef } from './types';
import { accepted, acceptOf, maxFilesOf, maxSizeOf } from './validate';

const isFileRef = (v: unknown): v is FileRef =>
  typeof v === 'object' && v !== null && typeof (v as FileRef).id === 'string';

export const fileRefs = (v: unknown): FileRef[] =>
  Array.isArray(v) ? v.filter(isFileRef) : isFileRef(v) ? [v] : [];

/** The `accept` attribute of the file input. */
const acceptAttr = (f: Field) =>
  acceptOf(f)
    .map((a) => (a.endsWith('/') ? `${a}*` : a))
    .join(',');

/** Read-only files: download links, or thumbnails for images. */
export function FileList({ field, value }: { field: Field; value: unknown }) {
  const files = fileRefs(value);
  if (files.length === 0) return <Typography.Text type="secondary">-</Typography.Text>;
  if (field.kind === 'image' || field.kind === 'signature')
    return (
      <Image.PreviewGroup>
        <Flex wrap gap={8}>
          {files.map((f) => (
            <Image
              key={f.id}
              src={fileUrl(f.id)}
              alt={f.name}
              width={field.kind === 'signature' ? 160 : 96}
              height={field.kind === 'signature' ? 64 : 96}
              style={{ objectFit: 'contain', background: '#fafafa' }}
            />
          ))}
        </Flex>
      </Image.PreviewGroup>
    );
  return (
    <Flex vertical gap={2}>
      {files.map((f) => (
        <span key={f.id}>
          <PaperClipOutlined style={{ marginRight: 4 }} />
          <Typography.Link href={fileUrl(f.id)} target="_blank" rel="noopener">
            {f.name}
          </Typography.Link>
          <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
            {fileSize(f.size)}
          </Typography.Text>
        </span>
      ))}
    </Flex>
  );
}

/** Attachments and images: upload, list, remove; limits checked before uploading. */
export function FileInput({
  field,
  value,
  onChange,
  id,
}: {
  field: Field;
  value: unknown;
  onChange: (v: FileRef[]) => void;
  id?: string;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string[]>([]);
  const files = fileRefs(value);
  const max = maxFilesOf(field);
  const label = plainLabel(field.label);
  const lang = (m: { zh: string; en: string }) => (locale === 'en' ? m.en : m.zh);
  // The latest list, for uploads finishing one after another.
  const latest = useRef(files);
  latest.current = files;

  const pick = async (list: FileList | null) => {
    const chosen = Array.from(list ?? []);
    if (input.current) input.current.value = '';
    if (chosen.length === 0) return;
    if (files.length + chosen.length > max) {
      message.error(lang(issueMessage('form.files_max', label, String(max))));
      return;
    }
    const mb = maxSizeOf(field);
    for (const f of chosen) {
      if (f.size > mb * 1024 * 1024) {
        message.error(lang(fileMessage('form.file_size', label, f.name, numberText(mb))));
        return;
      }
      if (!accepted(acceptOf(field), f.name, f.type)) {
        message.error(lang(fileMessage('form.file_type', label, f.name)));
        return;
      }
    }
    for (const f of chosen) {
      setBusy((b) => [...b, f.name]);
      try {
        const ref = await uploadFile(f, f.name);
        onChange([...latest.current, ref]);
        latest.current = [...latest.current, ref];
      } catch (e) {
        showError(e);
      } finally {
        setBusy((b) => b.filter((n) => n !== f.name));
      }
    }
  };

  const remove = (fid: string) => onChange(files.filter((f) => f.id !== fid));
  const image = field.kind === 'image';
  return (
    <Flex vertical gap={8}>
      <input
        ref={input}
        id={id}
        type="file"
        hidden
        multiple={max - files.length > 1}
        accept={acceptAttr(field) || undefined}
        onChange={(e) => void pick(e.target.files)}
        data-testid={`file-input-${field.key}`}
      />
      {image ? (
        <Flex wrap gap={8}>
          {files.map((f) => (
            <div key={f.id} style={{ position: 'relative' }}>
              <Image
                src={fileUrl(f.id)}
                alt={f.name}
                width={96}
                height={96}
                style={{ objectFit: 'cover' }}
              />
              <Button
                size="small"
                danger
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('forms.removeFile', { name: f.name })}
                onClick={() => remove(f.id)}
                style={{ position: 'absolute', top: 0, right: 0, background: '#fff' }}
              />
            </div>
          ))}
        </Flex>
      ) : (
        files.map((f) => (
          <Flex key={f.id} align="center" gap={8}>
            <PaperClipOutlined />
            <Typography.Link href={fileUrl(f.id)} target="_blank" rel="noopener" ellipsis>
              {f.name}
            </Typography.Link>
            <Typography.Text type="secondary" style={{ fontSize: 12, flex: 'none' }}>
              {fileSize(f.size)}
            </Typography.Text>
            <Button
              size="small"
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('forms.removeFile', { name: f.name })}
              onClick={() => remove(f.id)}
            />
          </Flex>
        ))
      )}
      {busy.map((n) => (
        <Space key={n}>
          <Spin size="small" />
          <Typography.Text type="secondary">{t('forms.uploading', { name: n })}</Typography.Text>
        </Space>
      ))}
      <div>
        <Button
          icon={<UploadOutlined />}
          disabled={files.length >= max}
          onClick={() => input.current?.click()}
        >
          {image ? t('forms.uploadImage') : t('forms.uploadFile')}
        </Button>
        <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
          {t('forms.fileLimits', { n: max, mb: numberText(maxSizeOf(field)) })}
        </Typography.Text>
      </div>
    </Flex>
  );
}

/** Draws on a canvas with a pen, mouse or finger. */
function SignaturePad({ onReady }: { onReady: (canvas: HTMLCanvasElement | null) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext?.('2d');
    if (c && ctx) {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.lineWidth = 3;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#000';
    }
    onReady(c);
  }, [onReady]);
  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const c = e.currentTarget;
    const r = c.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * c.width) / (r.width || c.width),
      y: ((e.clientY - r.top) * c.height) / (r.height || c.height),
    };
  };
  return (
    <canvas
      ref={canvas}
      width={600}
      height={240}
      data-testid="signature-canvas"
      style={{
        width: '100%',
        aspectRatio: '5 / 2',
        border: '1px dashed #bbb',
        borderRadius: 6,
        touchAction: 'none',
        background: '#fff',
        cursor: 'crosshair',
      }}
      onPointerDown={(e) => {
        const ctx = e.currentTarget.getContext?.('2d');
        if (!ctx) return;
        drawing.current = true;
        e.currentTarget.setPointerCapture?.(e.pointerId);
        const p = point(e);
        ctx.beginPath();
        ctx.moveTo(p.x, p.y);
        ctx.lineTo(p.x + 0.1, p.y + 0.1);
        ctx.stroke();
        e.currentTarget.dataset.signed = 'true';
      }}
      onPointerMove={(e) => {
        if (!drawing.current) return;
        const ctx = e.currentTarget.getContext?.('2d');
        if (!ctx) return;
        const p = point(e);
        ctx.lineTo(p.x, p.y);
        ctx.stroke();
      }}
      onPointerUp={() => {
        drawing.current = false;
      }}
      onPointerLeave={() => {
        drawing.current = false;
      }}
    />
  );
}

const toBlob = (c: HTMLCanvasElement): Promise<Blob | null> =>
  new Promise((resolve) => {
    try {
      c.toBlob((b) => resolve(b), 'image/png');
    } catch {
      resolve(null);
    }
  });

/** A handwritten signature: drawn on a pad, uploaded as a PNG, one file object. */
export function SignatureInput({
  field,
  value,
  onChange,
  id,
}: {
  field: Field;
  value: unknown;
  onChange: (v: FileRef | null) => void;
  id?: string;
}) {
  const t = useT();
  const showError = useApiError();
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [padKey, setPadKey] = useState(0);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const onReady = useCallback((c: HTMLCanvasElement | null) => {
    canvas.current = c;
  }, []);
  const current = fileRefs(value)[0];

  const save = async () => {
    const c = canvas.current;
    if (!c) return;
    setSaving(true);
    try {
      const blob = await toBlob(c);
      if (!blob) throw new Error('canvas');
      const ref = await uploadFile(blob, `signature-${fileStamp()}.png`);
      onChange(ref);
      setOpen(false);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Flex align="center" gap={8} wrap>
        {current ? (
          <Image
            src={fileUrl(current.id)}
            alt={field.label}
            width={160}
            height={64}
            style={{ objectFit: 'contain', border: '1px solid #f0f0f0' }}
          />
        ) : null}
        <Button id={id} icon={<EditOutlined />} onClick={() => setOpen(true)}>
          {current ? t('forms.signAgain') : t('forms.sign')}
        </Button>
        {current ? (
          <Button type="text" danger onClick={() => onChange(null)}>
            {t('common.remove')}
          </Button>
        ) : null}
      </Flex>
      <Modal
        open={open}
        title={field.label}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        width={640}
        footer={[
          <Button key="clear" onClick={() => setPadKey((k) => k + 1)}>
            {t('forms.signClear')}
          </Button>,
          <Button key="cancel" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </Button>,
          <Button key="ok" type="primary" loading={saving} onClick={() => void save()}>
            {t('forms.signDone')}
          </Button>,
        ]}
      >
        <Typography.Paragraph type="secondary">{t('forms.signHint')}</Typography.Paragraph>
        <SignaturePad key={padKey} onReady={onReady} />
      </Modal>
    </>
  );
}
