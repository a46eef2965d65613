// node-opcua server for LiveOpcUaEndToEndTest: args PORT PKI_DIR. Offers None and Basic256Sha256 Sign/SignAndEncrypt,
// anonymous login, a set BuildInfo and one writable variable; accepts unknown client certificates (test only).
const { OPCUAServer, OPCUACertificateManager, Variant, DataType, SecurityPolicy, MessageSecurityMode } = require("node-opcua");
(async () => {
  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: process.argv[3], automaticallyAcceptUnknownCertificate: true });
  const server = new OPCUAServer({
    port: +process.argv[2], host: "127.0.0.1", hostname: "127.0.0.1", resourcePath: "/UA/GridscoutE2E",
    serverCertificateManager,
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    serverInfo: { applicationUri: "urn:gridscout:e2e:node-opcua-server", productUri: "urn:gridscout:e2e:node-opcua-product",
      applicationName: { text: "gridscout-e2e-node-opcua-server", locale: "en" } },
    buildInfo: { manufacturerName: "Gridscout Node Vendor", productName: "GS-Node-Server-7", softwareVersion: "7.3.1",
      buildNumber: "7310", buildDate: new Date(Date.UTC(2024, 4, 17, 12, 0, 0)) }
  });
  await server.initialize();
  const ns = server.engine.addressSpace.getOwnNamespace();
  const dev = ns.addObject({ organizedBy: server.engine.addressSpace.rootFolder.objects, browseName: "Pump1" });
  let setpoint = 1.5;
  ns.addVariable({ componentOf: dev, nodeId: "s=Setpoint", browseName: "Setpoint", dataType: "Double",
    accessLevel: "CurrentRead | CurrentWrite", userAccessLevel: "CurrentRead | CurrentWrite",
    value: { get: () => new Variant({ dataType: DataType.Double, value: setpoint }),
             set: (v) => { setpoint = v.value; return require("node-opcua").StatusCodes.Good; } } });
  await server.start();
  console.log("LISTENING " + server.getEndpointUrl() + " ns=" + ns.index);
  process.on("SIGTERM", async () => { await server.shutdown(100); process.exit(0); });
})().catch((e) => { console.error("FAILED " + e.stack); process.exit(2); });
