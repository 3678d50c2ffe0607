// @vitest-environment happy-dom
import type { UseDevicesResult } from '@beckon/react';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BeckonUIProvider } from '../i18n/I18nProvider.js';
import { axeViolations } from '../test/world.js';
import { DevicePicker } from './DevicePicker.js';

afterEach(() => cleanup());

function devices(patch: Partial<UseDevicesResult> = {}): UseDevicesResult {
  return {
    status: 'ready',
    cameras: [
      { deviceId: 'cam-1', label: 'Front camera', groupId: 'a' },
      { deviceId: 'cam-2', label: '', groupId: 'b' },
    ],
    microphones: [{ deviceId: 'mic-1', label: 'Headset', groupId: 'a' }],
    speakers: [{ deviceId: 'spk-1', label: 'Speakers', groupId: 'a' }],
    selected: { camera: undefined, microphone: 'mic-1', speaker: undefined },
    canSelectSpeaker: true,
    error: undefined,
    requestPermission: vi.fn(async () => {}),
    select: vi.fn(),
    ...patch,
  };
}

const show = (d: UseDevicesResult, extra: { onSelect?: () => void; locale?: string } = {}) =>
  render(
    <BeckonUIProvider locale={extra.locale ?? 'en'}>
      <DevicePicker devices={d} preview={false} {...(extra.onSelect ? { onSelect: extra.onSelect } : {})} />
    </BeckonUIProvider>,
  );

describe('DevicePicker', () => {
  it('lists cameras, microphones and speakers with the picks; a pick calls select and onSelect', async () => {
    const d = devices();
    const onSelect = vi.fn();
    const { container } = show(d, { onSelect });
    const camera = screen.getByLabelText('Camera') as HTMLSelectElement;
    expect([...camera.options].map((o) => [o.value, o.text])).toEqual([
      ['', 'Default'],
      ['cam-1', 'Front camera'],
      ['cam-2', 'Camera 2'], // no label: a numbered name
    ]);
    expect((screen.getByLabelText('Microphone') as HTMLSelectElement).value).toBe('mic-1');
    expect(screen.getByLabelText('Speaker')).toBeTruthy();
    await userEvent.selectOptions(camera, 'cam-2');
    expect(d.select).toHaveBeenCalledWith('camera', 'cam-2');
    expect(onSelect).toHaveBeenCalledWith('camera', 'cam-2');
    await userEvent.selectOptions(screen.getByLabelText('Microphone'), '');
    expect(d.select).toHaveBeenLastCalledWith('microphone', undefined);
    expect(container.querySelector('fieldset')?.dataset.state).toBe('ready');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('before access: explains and offers the button that asks', async () => {
    const d = devices({ status: 'prompt', cameras: [], microphones: [], speakers: [] });
    const { container } = show(d);
    expect(screen.queryByLabelText('Camera')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Allow camera and microphone' }));
    expect(d.requestPermission).toHaveBeenCalledOnce();
    expect(await axeViolations(container)).toEqual([]);
  });

  it('while the browser asks: a status', () => {
    show(devices({ status: 'requesting' }));
    expect(screen.getByRole('status').textContent).toBe('Waiting for permission…');
  });

  it('denied: an alert that says where to allow it, and a retry', async () => {
    const d = devices({ status: 'denied', error: 'NotAllowedError: refused', cameras: [], microphones: [] });
    const { container } = show(d);
    expect(screen.getByRole('alert').textContent).toMatch(/blocked.*site settings/);
    expect(screen.getByRole('button', { name: 'Allow camera and microphone' })).toBeTruthy();
    expect(await axeViolations(container)).toEqual([]);
  });

  it('unsupported page: an alert', () => {
    show(devices({ status: 'unsupported' }));
    expect(screen.getByRole('alert').textContent).toMatch(/https/);
  });

  it('no camera, no microphone: says so per kind', () => {
    show(devices({ cameras: [], microphones: [] }));
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'No camera found.',
      'No microphone found.',
    ]);
  });

  it('a browser without setSinkId: explains that sound plays on the default speaker', () => {
    show(devices({ canSelectSpeaker: false }), { locale: 'zh-CN' });
    expect(screen.queryByLabelText('扬声器')).toBeNull();
    expect(screen.getByText('此浏览器只能使用默认扬声器。')).toBeTruthy();
  });

  it('another error: an alert with the reason', () => {
    show(devices({ status: 'error', error: 'AbortError: gone' }));
    expect(screen.getByRole('alert').textContent).toBe(
      'Could not open the camera or microphone (AbortError: gone).',
    );
  });
});
