// A thin loopback server in front of moto that gives SageMaker endpoints the lifecycle moto
// lacks (moto makes endpoints InService at once and has no UpdateEndpoint). Everything else is
// piped to moto untouched. It follows the SageMaker API reference:
// - DescribeEndpoint, EndpointStatus: `Creating` while CreateEndpoint runs, `Updating` while
//   UpdateEndpoint runs, `RollingBack` while an update is undone, then `InService`.
// - DescribeEndpoint, FailureReason: set when "the status is InService but update operation
//   fails"; EndpointConfigName stays the old config (it is what serves).
// - DescribeEndpoint, LastDeploymentConfig: the DeploymentConfig of the last UpdateEndpoint.
// - UpdateEndpoint: refused with ValidationException while the endpoint is Creating/Updating
//   ("Cannot update in-progress endpoint"); the config must exist; AutoRollbackConfiguration
//   alarms that are in ALARM when the traffic shift completes roll the update back
//   (CloudWatch DescribeAlarms, asked of the same moto server).
// Transitions advance per DescribeEndpoint call, not by the clock, so tests never sleep.
import { createServer, request } from 'node:http';

const IN_PROGRESS = new Set(['Creating', 'Updating', 'RollingBack']);

/**
 * @param {{ motoUrl: string, polls?: number }} options polls: DescribeEndpoint calls that see
 *   each in-progress state (default 2).
 */
export async function startSageMakerEndpoints({ motoUrl, polls = 2 }) {
  const upstream = new URL(motoUrl);
  /** @type {Map<string, any>} endpoint name → lifecycle state */
  const endpoints = new Map();
  /** @type {Map<string, string>} endpoint name → reason its next update fails with */
  const failNext = new Map();

  function forward(req, body, res) {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    if (body === undefined) req.pipe(out);
    else out.end(body);
  }

  /** One call to moto with a buffered answer. */
  function call(headers, body) {
    return new Promise((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: 'POST',
          path: '/',
          headers: { ...headers, host: upstream.host, 'content-length': Buffer.byteLength(body) },
        },
        (answer) => {
          const chunks = [];
          answer.on('data', (c) => chunks.push(c));
          answer.on('end', () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              text: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  const sageMaker = (req, target, payload) =>
    call({ ...req.headers, 'x-amz-target': `SageMaker.${target}` }, JSON.stringify(payload));

  /** Alarms of `names` in state ALARM, asked of moto's CloudWatch (query protocol). */
  async function firing(req, names) {
    const form = new URLSearchParams({ Action: 'DescribeAlarms', Version: '2010-08-01' });
    for (const [i, name] of names.entries()) form.set(`AlarmNames.member.${i + 1}`, name);
    const region = /\/([a-z]{2}-[a-z]+-\d)\//.exec(String(req.headers.authorization))?.[1] ?? 'us-east-1';
    const answer = await call(
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/monitoring/aws4_request, SignedHeaders=host, Signature=0`,
      },
      form.toString(),
    );
    const alarms = [
      ...answer.text.matchAll(/<AlarmName>([^<]+)<\/AlarmName>[\s\S]*?<StateValue>([^<]+)<\/StateValue>/g),
    ];
    return alarms.filter((m) => m[2] === 'ALARM').map((m) => m[1]);
  }

  function reply(res, status, payload) {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(payload));
  }

  const invalid = (res, message) => reply(res, 400, { __type: 'ValidationException', message });

  /** Moves one endpoint's lifecycle on by one observation. */
  async function advance(req, state) {
    if (!IN_PROGRESS.has(state.status)) return;
    if (state.left > 0) {
      state.left -= 1;
      return;
    }
    if (state.status === 'Creating') state.status = 'InService';
    else if (state.status === 'RollingBack') {
      state.status = 'InService';
      state.pending = undefined;
    } else if (state.status === 'Updating') {
      const alarms = state.pending.alarms.length ? await firing(req, state.pending.alarms) : [];
      const reason =
        state.pending.failure ??
        (alarms.length
          ? `Alarm ${alarms.join(', ')} went into ALARM state during the deployment; rolled back`
          : undefined);
      if (reason) {
        state.failureReason = reason;
        state.status = 'RollingBack';
        state.left = polls;
      } else {
        state.config = state.pending.config;
        state.failureReason = undefined;
        state.pending = undefined;
        state.status = 'InService';
      }
    }
  }

  async function sageMakerCall(req, res, target, raw) {
    const input = JSON.parse(raw || '{}');
    const name = input.EndpointName;
    if (target === 'CreateEndpoint') {
      const answer = await sageMaker(req, target, input);
      if (answer.status === 200)
        endpoints.set(name, { status: 'Creating', left: polls, config: input.EndpointConfigName });
      res.writeHead(answer.status, answer.headers);
      return res.end(answer.text);
    }
    if (target === 'DeleteEndpoint') {
      endpoints.delete(name);
      failNext.delete(name);
      return forward(req, raw, res);
    }
    if (target === 'DescribeEndpoint') {
      const answer = await sageMaker(req, target, input);
      const state = endpoints.get(name);
      if (answer.status !== 200 || !state) {
        res.writeHead(answer.status, answer.headers);
        return res.end(answer.text);
      }
      await advance(req, state);
      const described = JSON.parse(answer.text);
      described.EndpointStatus = state.status;
      described.EndpointConfigName = state.config;
      if (state.failureReason) described.FailureReason = state.failureReason;
      else delete described.FailureReason;
      if (state.deploymentConfig) described.LastDeploymentConfig = state.deploymentConfig;
      return reply(res, 200, described);
    }
    // UpdateEndpoint
    const state = endpoints.get(name);
    const existing = await sageMaker(req, 'DescribeEndpoint', { EndpointName: name });
    if (existing.status !== 200 || !state) {
      res.writeHead(existing.status === 200 ? 400 : existing.status, existing.headers);
      return res.end(existing.text);
    }
    const arn = JSON.parse(existing.text).EndpointArn;
    if (IN_PROGRESS.has(state.status)) return invalid(res, `Cannot update in-progress endpoint "${arn}".`);
    const config = await sageMaker(req, 'DescribeEndpointConfig', {
      EndpointConfigName: input.EndpointConfigName,
    });
    if (config.status !== 200)
      return invalid(res, `Could not find endpoint configuration "${input.EndpointConfigName}".`);
    state.status = 'Updating';
    state.left = polls;
    state.failureReason = undefined;
    state.deploymentConfig = input.DeploymentConfig;
    state.pending = {
      config: input.EndpointConfigName,
      failure: failNext.get(name),
      alarms: (input.DeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName),
    };
    failNext.delete(name);
    return reply(res, 200, { EndpointArn: arn });
  }

  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^SageMaker\./, '');
    const control = /^\/_modelship\/endpoints\/([^/]+)\/fail-next-update$/.exec(req.url ?? '');
    if (
      !control &&
      !['CreateEndpoint', 'DescribeEndpoint', 'UpdateEndpoint', 'DeleteEndpoint'].includes(target)
    )
      return forward(req, undefined, res);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      if (control) {
        failNext.set(
          decodeURIComponent(control[1]),
          JSON.parse(raw || '{}').reason ?? 'the new fleet failed its health checks',
        );
        res.writeHead(204);
        return res.end();
      }
      sageMakerCall(req, res, target, raw).catch((error) =>
        reply(res, 500, { __type: 'InternalFailure', message: String(error) }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    failNextUpdate: (endpointName, reason) => failNextUpdate(url, endpointName, reason),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Makes the next UpdateEndpoint of `endpointName` roll back with `reason` as its FailureReason. */
export async function failNextUpdate(serverUrl, endpointName, reason) {
  const answer = await fetch(
    `${serverUrl}/_modelship/endpoints/${encodeURIComponent(endpointName)}/fail-next-update`,
    { method: 'POST', body: JSON.stringify({ reason }) },
  );
  if (answer.status !== 204) throw new Error(`failNextUpdate: ${serverUrl} answered ${answer.status}`);
}
