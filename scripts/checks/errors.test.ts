/** One error hierarchy across the packages: `instanceof BeckonError` holds for every kind. */
import { RoomError } from '@beckon/media';
import { BeckonApiError, createHttpApi } from '@beckon/react';
import { RedisStore, RedisUrlError, StoreUnavailableError } from '@beckon/server';
import { BeckonError, ErrorCode, SignalingError } from '@beckon/signaling';
import { mapTencentError } from '@beckon/tencent';
import { describe, expect, it } from 'vitest';

describe('BeckonError', () => {
  it('is the base of signaling errors, keeping their code, details and wire form', () => {
    const error = new SignalingError(ErrorCode.ALREADY_EXISTS, 'glare', { inviteID: 'x' });
    expect(error).toBeInstanceOf(BeckonError);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.details]).toEqual(['SignalingError', 8012, { inviteID: 'x' }]);
    expect(error.toJSON()).toEqual({ code: 8012, message: 'glare', details: { inviteID: 'x' } });
  });

  it('is the base of Tencent failures, which become signaling errors with the mapped code', () => {
    const error = SignalingError.from(mapTencentError({ code: 8010, message: 'gone' }, 'accept'));
    expect(error).toBeInstanceOf(BeckonError);
    expect(error.code).toBe(ErrorCode.INVITATION_INVALID);
  });

  it('is the base of media errors, whose code is the failure reason', () => {
    const cause = new Error('NotAllowedError');
    const error = new RoomError('permission-denied', 'camera refused', { userID: 'bob', cause });
    expect(error).toBeInstanceOf(BeckonError);
    expect(error).not.toBeInstanceOf(SignalingError);
    expect([error.name, error.code, error.reason, error.userID, error.cause]).toEqual([
      'RoomError',
      'permission-denied',
      'permission-denied',
      'bob',
      cause,
    ]);
  });

  it('is the base of the server store outage error (9005)', () => {
    const error = new StoreUnavailableError('redis down');
    expect(error).toBeInstanceOf(BeckonError);
    expect([error.name, error.code]).toEqual(['StoreUnavailableError', ErrorCode.UNAVAILABLE]);
  });

  it('is the base of the Redis URL error a store construction throws', () => {
    const error = (() => {
      try {
        new RedisStore({ url: 'http://not-redis' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RedisUrlError);
    expect(error).toBeInstanceOf(BeckonError);
    expect(error).toMatchObject({ name: 'RedisUrlError', code: 'invalid-redis-url' });
  });

  it('is the base of HTTP API errors, as createHttpApi rejects with them', async () => {
    const api = createHttpApi({
      baseUrl: 'http://beckon.test',
      token: 't',
      fetch: async () =>
        new Response(
          JSON.stringify({ error: { code: ErrorCode.GROUP_NOT_FOUND, message: 'no such group' } }),
          {
            status: 404,
            headers: { 'content-type': 'application/json' },
          },
        ),
    });
    const error = await api.members('g1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeckonApiError);
    expect(error).toBeInstanceOf(BeckonError);
    expect(error).toMatchObject({ name: 'BeckonApiError', status: 404, code: ErrorCode.GROUP_NOT_FOUND });
  });
});
