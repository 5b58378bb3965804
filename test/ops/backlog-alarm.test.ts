/** backlog.high's hysteresis and the alert signature, as pure functions. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { BacklogAlarm, signAlert } from '../../src/ops/alerts.js';
import { targetName } from '../../src/config/database-url.js';

describe('BacklogAlarm', () => {
  it('is raised once per crossing of the threshold, and armed again only below 80 % of it', () => {
    // [backlog looked at, raised?] with a threshold of 100 (armed again below 80).
    const looks: Array<[number, boolean]> = [
      [0, false],
      [99, false],
      [100, true], // crossed
      [150, false], // still above
      [95, false], // fell, but not below 80: a backlog hovering around 100 is one alert
      [100, false],
      [80, false], // 80 is not below 80
      [79, false], // armed again
      [99, false],
      [120, true], // crossed again
    ];
    const alarm = new BacklogAlarm(100);
    expect(looks.map(([waiting]) => alarm.observe(waiting))).toEqual(looks.map(([, raised]) => raised));
  });
});

describe('signAlert', () => {
  it('makes the signature the standardwebhooks package checks', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const body = JSON.stringify({ type: 'circuit.closed', timestamp: '2026-01-01T00:00:00.000Z', data: { connection: 'erp' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signAlert(secret, 'msg_1', timestamp, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('erp', 'shop'), headers)).toThrow();
  });
});

describe('targetName', () => {
  it('names a target by origin and path, without user info or query string', () => {
    expect(targetName('https://user:pa55@ops.example.com:8443/hooks/hookyard?token=abc')).toBe('https://ops.example.com:8443/hooks/hookyard');
  });
});
