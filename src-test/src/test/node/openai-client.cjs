// Drives the official OpenAI JavaScript SDK (npm `openai`, installed by scripts/setup-openai-client.sh) against a
// Casebook server for OpenAiClientsIT: `node openai-client.cjs <command> '<json>'` prints one JSON object.
// Environment: CASEBOOK_BASE_URL (…/v1), CASEBOOK_KEY. NODE_PATH points at the SDK's node_modules.
const OpenAI = require('openai');

const client = (key) => new OpenAI({
  baseURL: process.env.CASEBOOK_BASE_URL,
  apiKey: key || process.env.CASEBOOK_KEY,
  maxRetries: 0,
  timeout: 120_000,
});

const commands = {
  async models() {
    const ids = [];
    for await (const model of client().models.list()) ids.push(model.id);
    return {ids};
  },

  async complete({model, messages}) {
    const c = await client().chat.completions.create({model, messages, temperature: 0.2});
    const message = c.choices[0].message;
    return {id: c.id, object: c.object, content: message.content, reasoning: message.reasoning_content,
      finish: c.choices[0].finish_reason, usage: c.usage, casebook: c.casebook};
  },

  async stream({model, messages}) {
    const stream = await client().chat.completions.create({model, messages, stream: true,
      stream_options: {include_usage: true}});
    const order = [];
    let id, content = '', reasoning = '', finish = null, usage = null, casebook = null;
    for await (const chunk of stream) {
      id = chunk.id;
      if (chunk.usage) usage = chunk.usage;
      if (chunk.casebook) casebook = chunk.casebook;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.reasoning_content) { order.push('reasoning'); reasoning += choice.delta.reasoning_content; }
      if (choice.delta.content) { order.push('content'); content += choice.delta.content; }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return {id, content, reasoning, order, finish, usage, casebook};
  },

  async badKey({model}) {
    try {
      await client('not-a-casebook-key').chat.completions.create({model, messages: [{role: 'user', content: 'hi'}]});
      return {error: null};
    } catch (e) {
      return {error: e.constructor.name, authentication: e instanceof OpenAI.AuthenticationError, status: e.status,
        message: e.message, code: e.code, type: e.type};
    }
  },

  async feedback({completionId, reward}) {
    return await client().post('/feedback', {body: {completion_id: completionId, reward}});
  },
};

(async () => {
  const [command, json] = process.argv.slice(2);
  const run = commands[command];
  if (!run) throw new Error(`unknown command ${command}; commands: ${Object.keys(commands)}`);
  process.stdout.write(JSON.stringify(await run(JSON.parse(json || '{}'))) + '\n');
})().catch((e) => {
  process.stderr.write(`${e.constructor.name}: ${e.stack || e}\n`);
  process.exit(1);
});
