// Commerce Layer's own SDK, unchanged, against the sandbox: list with include, create, update, retrieve,
// a related-resource call, a validation error and a delete. Prints one JSON document for the Python test.
'use strict'
const { CommerceLayer } = require('@commercelayer/sdk/bundle')
const { CommerceLayerStatic } = require('@commercelayer/sdk')

const organization = process.env.CL_ORGANIZATION
const domain = process.env.CL_DOMAIN

async function getToken() {
  // The same call Commerce Layer's auth library makes: https://auth.<domain>/oauth/token, JSON body.
  const response = await fetch(`https://auth.${domain}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: process.env.CL_CLIENT_ID,
      client_secret: process.env.CL_CLIENT_SECRET,
    }),
  })
  const body = await response.json()
  if (!response.ok) throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`)
  return body
}

function apiError(error) {
  if (!CommerceLayerStatic.isApiError(error)) throw error
  const first = (error.errors || [])[0] || {}
  return { status: error.status, code: first.code, pointer: first.source && first.source.pointer }
}

async function main() {
  const token = await getToken()
  const cl = CommerceLayer({ organization, domain, accessToken: token.access_token, timeout: 10000 })
  const out = { token: { token_type: token.token_type, expires_in: token.expires_in } }

  const items = await cl.stock_items.list({
    include: ['sku', 'stock_location', 'reserved_stock'],
    filters: { quantity_gt: 0 },
    pageSize: 25,
  })
  out.stock_items = {
    record_count: items.meta.recordCount,
    page_count: items.meta.pageCount,
    records: items.map((item) => ({
      id: item.id,
      type: item.type,
      quantity: item.quantity,
      sku_code: item.sku_code,
      sku: item.sku ? { id: item.sku.id, type: item.sku.type, code: item.sku.code } : null,
      stock_location: item.stock_location ? { id: item.stock_location.id, code: item.stock_location.code } : null,
      reserved_quantity: item.reserved_stock ? item.reserved_stock.quantity : null,
    })),
  }
  const related = await cl.stock_items.sku(items[0].id)
  out.related_sku = { id: related.id, type: related.type, code: related.code }
  const sku = await cl.skus.retrieve(related.id)
  out.sku_inventory = sku.inventory
  out.count = await cl.stock_items.count({ filters: { quantity_gt: 0 } })

  const picked = await cl.stock_locations.list({
    filters: { code_in: ['MIL-01', 'BER-01', 'NWK-01'] },
    sort: { code: 'desc' },
    fields: { stock_locations: ['code', 'name'] },
  })
  out.picked_locations = picked.map((l) => ({ code: l.code, name: l.name, label_format: l.label_format }))

  const models = await cl.inventory_models.list({ include: ['inventory_stock_locations.stock_location'] })
  const locations = await cl.stock_locations.list({ pageSize: 25 })
  const model = models[0]
  const used = new Set((model.inventory_stock_locations || []).map((level) => level.stock_location && level.stock_location.id))
  const location = locations.find((candidate) => !used.has(candidate.id))
  out.schema_version = CommerceLayerStatic.schemaVersion
  out.model = { id: model.id, levels: (model.inventory_stock_locations || []).length, location: location.id }

  const created = await cl.inventory_stock_locations.create(
    {
      priority: 7,
      on_hold: false,
      metadata: { source: 'sdk' },
      stock_location: cl.stock_locations.relationship(location.id),
      inventory_model: cl.inventory_models.relationship(model.id),
    },
    { include: ['stock_location'] },
  )
  out.created = {
    id: created.id, type: created.type, priority: created.priority, on_hold: created.on_hold,
    metadata: created.metadata, created_at: created.created_at,
    stock_location: created.stock_location ? created.stock_location.id : null,
  }

  const updated = await cl.inventory_stock_locations.update({ id: created.id, priority: 8, on_hold: true })
  out.updated = { id: updated.id, priority: updated.priority, on_hold: updated.on_hold, updated_at: updated.updated_at }

  const retrieved = await cl.inventory_stock_locations.retrieve(created.id, { include: ['inventory_model'] })
  out.retrieved = {
    priority: retrieved.priority,
    on_hold: retrieved.on_hold,
    inventory_model: retrieved.inventory_model ? retrieved.inventory_model.id : null,
  }

  try {
    await cl.inventory_stock_locations.update({ id: created.id, priority: 'abc' })
    out.invalid = null
  } catch (error) {
    out.invalid = apiError(error)
  }

  await cl.inventory_stock_locations.delete(created.id)
  try {
    await cl.inventory_stock_locations.retrieve(created.id)
    out.after_delete = null
  } catch (error) {
    out.after_delete = apiError(error)
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  if (error && error.errors) process.stderr.write(JSON.stringify(error.errors) + '\n')
  process.exit(1)
})
