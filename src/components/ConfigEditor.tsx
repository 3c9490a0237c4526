import type { DataSourcePluginOptionsEditorProps, SelectableValue } from '@grafana/data';
import { FieldSet, InlineField, Input, RadioButtonGroup, SecretInput, Stack } from '@grafana/ui';
import { DEFAULT_SCRAPE_INTERVAL, type FlintAuthMethod, type FlintOptions, type FlintSecureJsonData } from '../types';

export type FlintConfigEditorProps = DataSourcePluginOptionsEditorProps<FlintOptions, FlintSecureJsonData>;

const LABEL_WIDTH = 20;

const AUTH_OPTIONS: Array<SelectableValue<FlintAuthMethod>> = [
  { label: 'No authentication', value: 'none' },
  { label: 'Basic', value: 'basic' },
  { label: 'Bearer token', value: 'bearer' },
];

export function authMethodOf(options: FlintConfigEditorProps['options']): FlintAuthMethod {
  if (options.jsonData.authMethod) return options.jsonData.authMethod;
  if (options.basicAuth) return 'basic';
  return options.secureJsonFields?.bearerToken ? 'bearer' : 'none';
}

export function ConfigEditor({ options, onOptionsChange }: FlintConfigEditorProps) {
  const { jsonData } = options;
  const secureJsonFields = options.secureJsonFields ?? {};
  const secureJsonData = options.secureJsonData ?? {};
  const auth = authMethodOf(options);

  const setJsonData = (patch: Partial<FlintOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  /** A secret is only ever sent to Grafana, never read back: the browser knows whether one is stored. */
  const setSecret = (key: keyof FlintSecureJsonData, value: string) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: value } });
  const resetSecret = (key: keyof FlintSecureJsonData) =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, [key]: false },
      secureJsonData: { ...secureJsonData, [key]: '' },
    });

  const setAuth = (method: FlintAuthMethod) => {
    // Credentials of the method left behind are cleared, so none are sent by mistake.
    const cleared: Record<string, boolean> = { ...secureJsonFields };
    const data: FlintSecureJsonData = { ...secureJsonData };
    if (method !== 'basic') {
      cleared.basicAuthPassword = false;
      data.basicAuthPassword = '';
    }
    if (method !== 'bearer') {
      cleared.bearerToken = false;
      data.bearerToken = '';
    }
    onOptionsChange({
      ...options,
      basicAuth: method === 'basic',
      basicAuthUser: method === 'basic' ? options.basicAuthUser : '',
      jsonData: { ...jsonData, authMethod: method },
      secureJsonFields: cleared,
      secureJsonData: data,
    });
  };

  return (
    <Stack direction="column" gap={2}>
      <FieldSet label="Connection">
        <InlineField
          label="URL"
          labelWidth={LABEL_WIDTH}
          tooltip="flint's HTTP address, e.g. http://flint:9090"
          required
        >
          <Input
            width={40}
            placeholder="http://localhost:9090"
            value={options.url}
            onChange={(e) => onOptionsChange({ ...options, url: e.currentTarget.value })}
          />
        </InlineField>
      </FieldSet>
      <FieldSet label="Authentication">
        <RadioButtonGroup options={AUTH_OPTIONS} value={auth} onChange={setAuth} />
        {auth === 'basic' && (
          <>
            <InlineField label="User" labelWidth={LABEL_WIDTH}>
              <Input
                width={40}
                value={options.basicAuthUser ?? ''}
                onChange={(e) => onOptionsChange({ ...options, basicAuthUser: e.currentTarget.value })}
              />
            </InlineField>
            <InlineField label="Password" labelWidth={LABEL_WIDTH}>
              <SecretInput
                width={40}
                isConfigured={Boolean(secureJsonFields.basicAuthPassword)}
                value={secureJsonData.basicAuthPassword ?? ''}
                onChange={(e) => setSecret('basicAuthPassword', e.currentTarget.value)}
                onReset={() => resetSecret('basicAuthPassword')}
              />
            </InlineField>
          </>
        )}
        {auth === 'bearer' && (
          <InlineField label="Token" labelWidth={LABEL_WIDTH}>
            <SecretInput
              width={40}
              isConfigured={Boolean(secureJsonFields.bearerToken)}
              value={secureJsonData.bearerToken ?? ''}
              onChange={(e) => setSecret('bearerToken', e.currentTarget.value)}
              onReset={() => resetSecret('bearerToken')}
            />
          </InlineField>
        )}
      </FieldSet>
      <FieldSet label="Queries">
        <InlineField label="Timeout" labelWidth={LABEL_WIDTH} tooltip="HTTP timeout of requests to flint, in seconds">
          <Input
            width={12}
            type="number"
            min={1}
            placeholder="60"
            value={jsonData.timeout ?? ''}
            onChange={(e) => {
              const text = e.currentTarget.value;
              setJsonData({ timeout: text === '' ? undefined : Number(text) });
            }}
          />
        </InlineField>
        <InlineField
          label="Scrape interval"
          labelWidth={LABEL_WIDTH}
          tooltip="flint's scrape interval: the default min step and the base of $__rate_interval"
        >
          <Input
            width={12}
            placeholder={DEFAULT_SCRAPE_INTERVAL}
            value={jsonData.timeInterval ?? ''}
            onChange={(e) => setJsonData({ timeInterval: e.currentTarget.value || undefined })}
          />
        </InlineField>
      </FieldSet>
    </Stack>
  );
}
