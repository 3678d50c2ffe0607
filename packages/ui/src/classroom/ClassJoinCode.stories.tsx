import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { ClassJoinCode } from './ClassJoinCode.js';

const meta = {
  title: 'Classroom/ClassJoinCode',
  component: ClassJoinCode,
  tags: ['autodocs'],
  args: {
    code: '7KQ2M9XWPLDF',
    link: 'https://class.example.com/classroom/?join=7KQ2M9XWPLDF',
    copy: fn(async () => {}),
  },
} satisfies Meta<typeof ClassJoinCode>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The teacher's view: the code, copy it, copy the join link. */
export const CodeAndLink: Story = {};

/** Students see the code only. */
export const CodeOnly: Story = { args: { link: undefined } };

/** After a copy: "Copied" is shown and announced. */
export const Copied: Story = {
  play: async ({ args, canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Copy join link' }));
    await expect(args.copy).toHaveBeenCalledWith(args.link);
    await expect(await canvas.findByRole('status')).toHaveTextContent('Copied');
  },
};

/** The browser refused the clipboard: the user is told what to do instead. */
export const CopyRefused: Story = {
  args: { copy: fn(async () => Promise.reject(new Error('NotAllowedError'))) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Copy code' }));
    await expect(await canvas.findByRole('status')).toHaveTextContent('Could not copy');
  },
};

export const OnAPhone: Story = { globals: { viewport: { value: 'phone', isRotated: false } } };

export const DarkJapanese: Story = { globals: { theme: 'dark', locale: 'ja' } };
