// Service discovery: the manager and the types its subscribers see.
export { DiscoveryManager, DiscoveryManagerOptions, DiscoveryUpdate } from './manager';
export { ADDRESS_LABEL, TargetGroup } from './targetGroup';
export { FILEPATH_LABEL } from './file';
export { URL_LABEL } from './http';
export { DNS_NAME_LABEL, DNS_SRV_TARGET_LABEL, DNS_SRV_PORT_LABEL, DNS_MX_TARGET_LABEL, DNS_NS_TARGET_LABEL } from './dns';
