import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { FlintDataSource } from './datasource';
import type { FlintOptions, FlintQuery } from './types';

export const plugin = new DataSourcePlugin<FlintDataSource, FlintQuery, FlintOptions>(FlintDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
