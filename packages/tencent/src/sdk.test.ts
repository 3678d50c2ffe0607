import TencentCloudChat from '@tencentcloud/chat';
import { describe, expect, it } from 'vitest';
import { ChatEventName, KickedOutType, NetState, SignalingEventName } from './sdk.js';

// `tsc` already holds these constants to the SDK's declarations; this holds them to the code
// that actually ships in the package (its runtime enums), in case the two ever drift.
describe('the SDK module at run time', () => {
  it('has the signaling event names the transport listens to', () => {
    for (const [key, value] of Object.entries(SignalingEventName)) {
      expect((TencentCloudChat.TSignaling as Record<string, unknown>)[key], key).toBe(value);
    }
  });

  it('has the chat events, network states and kick reasons the transport reads', () => {
    for (const [key, value] of Object.entries(ChatEventName)) {
      expect((TencentCloudChat.EVENT as Record<string, unknown>)[key], key).toBe(value);
    }
    const types = TencentCloudChat.TYPES as Record<string, unknown>;
    expect(types.NET_STATE_CONNECTED).toBe(NetState.CONNECTED);
    expect(types.NET_STATE_CONNECTING).toBe(NetState.CONNECTING);
    expect(types.NET_STATE_DISCONNECTED).toBe(NetState.DISCONNECTED);
    expect(types.KICKED_OUT_MULT_ACCOUNT).toBe(KickedOutType.MULTIPLE_ACCOUNT);
    expect(types.KICKED_OUT_MULT_DEVICE).toBe(KickedOutType.MULTIPLE_DEVICE);
    expect(types.KICKED_OUT_USERSIG_EXPIRED).toBe(KickedOutType.USERSIG_EXPIRED);
    expect(types.KICKED_OUT_REST_API).toBe(KickedOutType.REST_API);
  });

  it('creates instances with create()', () => {
    expect(typeof TencentCloudChat.create).toBe('function');
  });
});
