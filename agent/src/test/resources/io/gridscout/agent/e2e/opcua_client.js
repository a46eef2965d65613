// node-opcua client for LiveOpcUaEndToEndTest: args ENDPOINT_URL PKI_DIR APPLICATION_URI WRITE_NODE_ID.
// GetEndpoints, an anonymous session under policy None reading BuildInfo (i=2260..2266) and writing once, then
// anonymous Basic256Sha256 sessions, Sign and SignAndEncrypt, each reading one BuildInfo value. Prints RESULT lines and DONE; accepts the server certificate.
const { OPCUAClient, OPCUACertificateManager, AttributeIds, DataType, MessageSecurityMode, SecurityPolicy } = require("node-opcua");
const [url, pki, applicationUri, writeNode] = process.argv.slice(2);
(async () => {
  const clientCertificateManager = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true });
  const options = { applicationName: "gridscout-e2e-node-opcua-client", applicationUri, clientCertificateManager,
    endpointMustExist: false, connectionStrategy: { maxRetry: 2, initialDelay: 200, maxDelay: 1000 } };

  const plain = OPCUAClient.create({ ...options, securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None });
  await plain.connect(url);
  const endpoints = await plain.getEndpoints();
  console.log("RESULT endpoints " + endpoints.map((e) => MessageSecurityMode[e.securityMode] + " " + e.securityPolicyUri).join(", "));
  const session = await plain.createSession();
  const ids = [2260, 2261, 2262, 2263, 2264, 2265, 2266].map((i) => ({ nodeId: "ns=0;i=" + i, attributeId: AttributeIds.Value }));
  const values = await session.read(ids);
  console.log("RESULT buildinfo " + values.map((v) => v.statusCode.name + ":" + JSON.stringify(v.value.value)).join(" | "));
  const written = await session.write({ nodeId: writeNode, attributeId: AttributeIds.Value,
    value: { value: { dataType: DataType.Double, value: 42.5 } } });
  console.log("RESULT write " + written.name);
  await session.close();
  await plain.disconnect();

  const signed = OPCUAClient.create({ ...options, securityMode: MessageSecurityMode.Sign, securityPolicy: SecurityPolicy.Basic256Sha256 });
  await signed.connect(url);
  const s1 = await signed.createSession();
  const vendor = await s1.read({ nodeId: "ns=0;i=2263", attributeId: AttributeIds.Value });
  console.log("RESULT signed " + vendor.statusCode.name + ":" + vendor.value.value);
  await s1.close();
  await signed.disconnect();

  const secure = OPCUAClient.create({ ...options, securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicy: SecurityPolicy.Basic256Sha256 });
  await secure.connect(url);
  const s2 = await secure.createSession();
  const product = await s2.read({ nodeId: "ns=0;i=2261", attributeId: AttributeIds.Value });
  console.log("RESULT secure " + product.statusCode.name + ":" + product.value.value);
  await s2.close();
  await secure.disconnect();
  console.log("DONE");
  process.exit(0);
})().catch((e) => { console.error("FAILED " + (e && e.stack)); process.exit(2); });
