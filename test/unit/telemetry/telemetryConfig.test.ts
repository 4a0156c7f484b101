// The CLI's telemetry configuration from the standard OpenTelemetry variables and the flags, and
// the attribute names checked against the OpenTelemetry semantic-conventions package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import {
  finishReason,
  GenAi,
  genAiProviderName,
  GenAiMetric,
  Operation,
} from '../../../src/core/telemetry/genAiConventions';
import { parseHeaderList, telemetryFromEnv, telemetryFromSettings } from '../../../src/core/telemetry/telemetryConfig';

test('off unless an endpoint is named; the base endpoint gets /v1/traces and /v1/metrics', () => {
  assert.equal(telemetryFromEnv({}).config, undefined);
  assert.equal(telemetryFromEnv({ OTEL_EXPORTER_OTLP_HEADERS: 'a=b' }).config, undefined);
  const c = telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config!;
  assert.equal(c.traces?.url, 'http://collector:4318/v1/traces');
  assert.equal(c.metrics?.url, 'http://collector:4318/v1/metrics');
  assert.equal(c.traces?.protocol, 'http/protobuf');
  assert.equal(c.traces?.timeoutMs, 3000);
  assert.equal(c.captureContent, false);
  assert.equal(c.serviceName, 'switchyard');
  assert.equal(c.surface, 'cli');
});

test('signal-specific variables win over the general ones; headers merge, percent-decoded', () => {
  const { config, problems } = telemetryFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc%3D%3D,x-scope=team',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-scope=traces-only',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
    OTEL_SERVICE_NAME: 'team-switchyard',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci,team=core',
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
  });
  assert.deepEqual(problems, []);
  assert.equal(config?.traces?.url, 'https://cloud.langfuse.com/api/public/otel/v1/traces');
  assert.deepEqual(config?.traces?.headers, { authorization: 'Basic abc==', 'x-scope': 'traces-only' });
  assert.deepEqual(config?.metrics?.headers, { authorization: 'Basic abc==', 'x-scope': 'team' });
  assert.equal(config?.metrics?.url, 'http://base:4318/v1/metrics');
  assert.equal(config?.metrics?.protocol, 'http/json');
  assert.equal(config?.traces?.protocol, 'http/protobuf');
  assert.equal(config?.metrics?.timeoutMs, 1500);
  assert.equal(config?.serviceName, 'team-switchyard');
  assert.deepEqual(config?.resourceAttributes, { 'deployment.environment': 'ci', team: 'core' });
  assert.equal(config?.captureContent, true);
});

test('the flag wins over every endpoint variable; --no-telemetry, OTEL_SDK_DISABLED and *_EXPORTER=none switch off', () => {
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/v1/traces',
  };
  assert.equal(
    telemetryFromEnv(env, { endpoint: 'http://flag:4318' }).config?.traces?.url,
    'http://flag:4318/v1/traces',
  );
  assert.equal(telemetryFromEnv(env, { disabled: true }).config, undefined);
  assert.equal(telemetryFromEnv({ ...env, OTEL_SDK_DISABLED: 'TRUE' }).config, undefined);
  const metricsOnly = telemetryFromEnv({ ...env, OTEL_TRACES_EXPORTER: 'none' }).config!;
  assert.equal(metricsOnly.traces, undefined);
  assert.equal(metricsOnly.metrics?.url, 'http://a:4318/v1/metrics');
  assert.equal(
    telemetryFromEnv({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:4318/v1/metrics' }).config?.traces,
    undefined,
  );
});

test('what cannot be used is said once per problem, and never with a header value', () => {
  const grpc = telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
  assert.equal(grpc.config, undefined);
  assert.equal(grpc.problems.length, 2);
  assert.match(grpc.problems[0]!, /"grpc" is not supported for traces.*port 4318/);
  const badUrl = telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:secret-pass@c/x' });
  assert.equal(badUrl.config, undefined);
  assert.match(badUrl.problems[0]!, /url must be an http:\/\/ or https:\/\/ URL/);
  assert.doesNotMatch(badUrl.problems.join(' '), /secret-pass/);
  const problems: string[] = [];
  assert.deepEqual(parseHeaderList('good=1,bad header=sk-very-secret,novalue,x=a%0Ab', problems, 'H'), { good: '1' });
  assert.equal(problems.length, 3);
  assert.doesNotMatch(problems.join(' '), /sk-very-secret/);
  const timeout = telemetryFromEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
    OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
  });
  assert.match(timeout.problems[0]!, /timeoutMs/);
});

test('the GenAI names match @opentelemetry/semantic-conventions; provider names and finish reasons map to the well-known values', () => {
  assert.equal(GenAi.operationName, incubating.ATTR_GEN_AI_OPERATION_NAME);
  assert.equal(GenAi.providerName, incubating.ATTR_GEN_AI_PROVIDER_NAME);
  assert.equal(GenAi.agentName, incubating.ATTR_GEN_AI_AGENT_NAME);
  assert.equal(GenAi.workflowName, incubating.ATTR_GEN_AI_WORKFLOW_NAME);
  assert.equal(GenAi.requestModel, incubating.ATTR_GEN_AI_REQUEST_MODEL);
  assert.equal(GenAi.requestMaxTokens, incubating.ATTR_GEN_AI_REQUEST_MAX_TOKENS);
  assert.equal(GenAi.responseModel, incubating.ATTR_GEN_AI_RESPONSE_MODEL);
  assert.equal(GenAi.responseId, incubating.ATTR_GEN_AI_RESPONSE_ID);
  assert.equal(GenAi.responseFinishReasons, incubating.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
  assert.equal(GenAi.usageInputTokens, incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  assert.equal(GenAi.usageOutputTokens, incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  assert.equal(GenAi.usageCacheReadInputTokens, incubating.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
  assert.equal(GenAi.tokenType, incubating.ATTR_GEN_AI_TOKEN_TYPE);
  assert.equal(GenAi.systemInstructions, incubating.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS);
  assert.equal(GenAi.inputMessages, incubating.ATTR_GEN_AI_INPUT_MESSAGES);
  assert.equal(GenAi.outputMessages, incubating.ATTR_GEN_AI_OUTPUT_MESSAGES);
  assert.equal(Operation.chat, incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT);
  assert.equal(Operation.invokeAgent, incubating.GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT);
  assert.equal(Operation.invokeWorkflow, incubating.GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW);
  assert.equal(GenAiMetric.tokenUsage, incubating.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
  assert.equal(GenAiMetric.operationDuration, incubating.METRIC_GEN_AI_CLIENT_OPERATION_DURATION);

  assert.equal(genAiProviderName('anthropic'), 'anthropic');
  assert.equal(genAiProviderName('openai-compatible', 'openrouter.ai'), 'openrouter');
  assert.equal(genAiProviderName('openai-compatible', 'generativelanguage.googleapis.com'), 'gcp.gemini');
  assert.equal(genAiProviderName('openai-compatible', 'my-team.openai.azure.com'), 'azure.ai.openai');
  assert.equal(genAiProviderName('openai-compatible', 'api.deepseek.com'), 'deepseek');
  assert.equal(genAiProviderName('openai-compatible', '127.0.0.1'), 'openai_compatible');
  assert.equal(genAiProviderName('vscode-lm'), 'vscode.lm');
  assert.deepEqual(['stop', 'max-tokens', 'tool-calls', 'refused'].map(finishReason), [
    'stop',
    'length',
    'tool_call',
    'content_filter',
  ]);
});

test('the extension: settings and the stored header string; metrics can be left out; a bad endpoint is one problem', () => {
  const on = telemetryFromSettings({
    endpoint: 'https://cloud.langfuse.com/api/public/otel',
    protocol: 'http/protobuf',
    captureContent: false,
    metrics: false,
    headers: 'Authorization=Basic cGs6c2s=,x-langfuse-ingestion-version=4',
  });
  assert.deepEqual(on.problems, []);
  assert.equal(on.config?.traces?.url, 'https://cloud.langfuse.com/api/public/otel/v1/traces');
  assert.deepEqual(on.config?.traces?.headers, {
    Authorization: 'Basic cGs6c2s=',
    'x-langfuse-ingestion-version': '4',
  });
  assert.equal(on.config?.metrics, undefined);
  assert.equal(on.config?.surface, 'vscode');
  const bad = telemetryFromSettings({
    endpoint: 'localhost:4318',
    protocol: 'http/json',
    captureContent: false,
    metrics: true,
  });
  assert.equal(bad.config, undefined);
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0]!, /must be an http:\/\/ or https:\/\/ URL/);
});
