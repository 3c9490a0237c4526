import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { FlintOptions, FlintSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<FlintOptions, FlintSecureJsonData>;

function settings(patch: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'flint',
    orgId: 1,
    name: 'Flint',
    type: 'flintlabs-flint-datasource',
    typeName: 'Flint',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...patch,
  };
}

/** The editor with its settings held in state, as Grafana's settings page does; `changes` records every update. */
function Harness({ initial, changes }: { initial: Settings; changes: Settings[] }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(next) => {
        changes.push(next);
        setOptions(next);
      }}
    />
  );
}

test('URL, timeout and scrape interval are stored where the backend reads them', () => {
  const changes: Settings[] = [];
  render(<Harness initial={settings()} changes={changes} />);
  fireEvent.change(screen.getByPlaceholderText('http://localhost:9090'), { target: { value: 'http://flint:9090' } });
  fireEvent.change(screen.getByPlaceholderText('60'), { target: { value: '30' } });
  fireEvent.change(screen.getByPlaceholderText('15s'), { target: { value: '10s' } });
  const last = changes[changes.length - 1];
  expect(last.url).toBe('http://flint:9090');
  expect(last.jsonData).toMatchObject({ timeout: 30, timeInterval: '10s' });
});

test('basic auth: the password goes to secureJsonData only', () => {
  const changes: Settings[] = [];
  render(<Harness initial={settings()} changes={changes} />);
  fireEvent.click(screen.getByLabelText('Basic'));
  expect(changes[changes.length - 1]).toMatchObject({ basicAuth: true, jsonData: { authMethod: 'basic' } });
  const password = document.querySelector('input[type="password"]') as HTMLInputElement;
  fireEvent.change(password, { target: { value: 's3cret' } });
  const last = changes[changes.length - 1];
  expect(last.secureJsonData).toMatchObject({ basicAuthPassword: 's3cret' });
  expect(JSON.stringify(last.jsonData)).not.toContain('s3cret');
});

test('a stored token is shown as configured, never as its value, and can be reset', () => {
  const changes: Settings[] = [];
  render(
    <Harness
      initial={settings({ jsonData: { authMethod: 'bearer' }, secureJsonFields: { bearerToken: true } })}
      changes={changes}
    />
  );
  const configured = screen.getByDisplayValue('configured');
  expect((configured as HTMLInputElement).disabled).toBe(true);
  expect(document.body.innerHTML).not.toContain('bearerToken');
  fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
  const last = changes[changes.length - 1];
  expect(last.secureJsonFields.bearerToken).toBe(false);
  expect(last.secureJsonData?.bearerToken).toBe('');
});

test('switching to no authentication clears the credentials of the other methods', () => {
  const changes: Settings[] = [];
  render(
    <Harness
      initial={settings({ basicAuth: true, basicAuthUser: 'u', secureJsonFields: { basicAuthPassword: true } })}
      changes={changes}
    />
  );
  fireEvent.click(screen.getByLabelText('No authentication'));
  const last = changes[changes.length - 1];
  expect(last).toMatchObject({ basicAuth: false, basicAuthUser: '', jsonData: { authMethod: 'none' } });
  expect(last.secureJsonFields).toMatchObject({ basicAuthPassword: false, bearerToken: false });
});
