import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { openApp } from '../../app/context.ts';
import { importFiles } from '../index.ts';

test('presets read real export layouts: Shopify line items, Taobao GBK ="…", Youzan POS in GBK, Youzan and Shopify customers, WeCom contacts XLSX', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-presets-'));
  const app = await openApp({ dir: join(dir, 'store') });
  const f = (n: string, b: Buffer | string) => (writeFileSync(join(dir, n), b), join(dir, n));
  try {
    const shopify = [
      'Name,Email,Financial Status,Paid at,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Total,Discount Code,Discount Amount,Refunded Amount,Phone',
      '#1001,Ann@Example.com,paid,2026-05-01 10:00:00 +0200,2026-05-01 10:00:00 +0200,2,Tee,50.00,TEE-1,130.00,SPRING,10.00,0.00,\'+86 138 0000 0002',
      '#1001,,,,,1,Cap,30.00,CAP-1,,,,,',
      '#1002,bob@example.com,refunded,2026-05-02 09:00:00 +0200,2026-05-02 09:00:00 +0200,1,Tee,50.00,TEE-1,50.00,,0.00,50.00,',
    ].join('\n');
    let s = await importFiles(app, { entity: 'orders', files: [f('shopify.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(shopify)]))], map: 'shopify-orders' });
    assert.deepEqual([s.imported, s.rejected, s.files[0].orderLines, s.identity.customersCreated], [2, 0, 3, 2]);
    assert.deepEqual(await app.warehouse.all(`select order_id, ordered_at, gross_amount, discount_amount, refund_amount, item_count, status, coupon_code, channel, source from orders order by order_id`), [
      { order_id: '#1001', ordered_at: '2026-05-01T08:00:00.000Z', gross_amount: 130, discount_amount: 10, refund_amount: 0, item_count: 3, status: 'paid', coupon_code: 'SPRING', channel: 'ecommerce', source: 'shopify' },
      { order_id: '#1002', ordered_at: '2026-05-02T07:00:00.000Z', gross_amount: 50, discount_amount: 0, refund_amount: 50, item_count: 1, status: 'refunded', coupon_code: null, channel: 'ecommerce', source: 'shopify' },
    ]);
    assert.deepEqual(await app.warehouse.all(`select order_id, line_no, sku, quantity, unit_price, amount from order_lines order by order_id, line_no`), [
      { order_id: '#1001', line_no: 1, sku: 'TEE-1', quantity: 2, unit_price: 50, amount: 100 },
      { order_id: '#1001', line_no: 2, sku: 'CAP-1', quantity: 1, unit_price: 30, amount: 30 },
      { order_id: '#1002', line_no: 1, sku: 'TEE-1', quantity: 1, unit_price: 50, amount: 50 },
    ]);

    const taobao = '订单编号,买家会员名,买家实际支付金额,订单状态,联系手机,订单创建时间,宝贝总数量\r\n="3021",="tb_ann",="88.50",交易成功,="13800000002",="2026-05-03 12:00:00",="2"\r\n="3022",="tb_cat",="9.90",交易关闭,="186******05",="2026-05-04 12:00:00",="1"\r\n';
    s = await importFiles(app, { entity: 'orders', files: [f('ExportOrderList202605.csv', iconv.encode(taobao, 'gbk'))], map: 'taobao-orders' });
    assert.deepEqual([s.imported, s.rejected, s.files[0].encoding, s.identity.merged], [2, 0, 'gb18030', 0]);
    assert.deepEqual(await app.warehouse.all(`select order_id, gross_amount, status from orders where source = 'taobao' order by order_id`), [{ order_id: '3021', gross_amount: 88.5, status: 'completed' }, { order_id: '3022', gross_amount: 9.9, status: 'cancelled' }]);
    assert.equal(await app.warehouse.scalar(`select count(distinct customer_id) from orders where order_id in ('#1001', '3021')`), 1, 'the same phone, written two ways, is one customer');

    const youzan = '订单号,销售渠道,订单状态,订单创建时间,订单实付金额,店铺优惠合计,商品种类数,买家手机号,下单网点,销售导购,分销员,分销员\nE2026,线下门店,交易成功,2026-05-05 15:30:00,199.00,20.00,2,13800000002,S01,G07,——,——\n';
    s = await importFiles(app, { entity: 'orders', files: [f('pos.csv', iconv.encode(youzan, 'gbk'))], map: 'youzan-orders' });
    assert.equal(s.imported, 1);
    assert.deepEqual(await app.warehouse.get(`select channel, store_code, staff_code, status, discount_amount from orders where order_id = 'E2026'`), { channel: 'pos', store_code: 'S01', staff_code: 'G07', status: 'completed', discount_amount: 20 });

    const yzc = '客户姓名,客户手机号,客户生日,客户性别,是否会员,成为客户时间,来源渠道,\n安妮,13800000002,1992-07-08,女,是,2024-01-01 10:00:00,微信小程序,\n匿名,186******05,,其他,否,2024-01-02 10:00:00,有赞后台,\n';
    s = await importFiles(app, { entity: 'customers', files: [f('youzan-customers.csv', yzc)], map: 'youzan-customers' });
    // The known customer gains a name, birthday and gender: updated, not created; the one whose only phone is masked
    // is a customer of their own (not rejected).
    assert.deepEqual([s.imported, s.updated, s.unchanged, s.rejected, s.identity.customersCreated, s.identity.maskedIdentifiers, s.identity.unidentified], [1, 1, 0, 0, 1, 1, 1]);

    const shc = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address City,Default Address Province Code,Phone,Tags\n'7001,Bob,Lee,BOB@example.com,yes,Hangzhou,ZJ,,vip\n";
    s = await importFiles(app, { entity: 'customers', files: [f('shopify-customers.csv', shc)], map: 'shopify-customers' });
    assert.deepEqual([s.rejected, s.identity.customersCreated], [0, 0]);
    assert.deepEqual(await app.warehouse.get(`select c.name_masked, c.city, c.city_tier, c.traits->>'accepts_email_marketing' as accepts from customers c join customer_identifiers i on i.customer_id = c.id where i.id_type = 'user_id' and i.namespace = 'shopify'`), { name_masked: 'B***', city: '杭州市', city_tier: 'new1', accepts: 'yes' });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户列表');
    ws.addRow(['客户名称', '描述', '添加人', '添加人账号', '添加人所属部门', '添加时间', '来源', '手机']);
    ws.addRow(['安妮', '', '王导购', 'G07', '上海店', '2026-04-01 09:00:00', '扫描二维码', '13800000002']);
    ws.addRow(['安妮', '', '李导购', 'G08', '上海店', '2026-04-02 09:00:00', '搜索手机号', '13800000002']);
    await wb.xlsx.writeFile(join(dir, 'wecom.xlsx'));
    s = await importFiles(app, { entity: 'contacts', files: [join(dir, 'wecom.xlsx')], map: 'wecom-contacts' });
    assert.deepEqual([s.imported, s.rejected, s.identity.customersCreated], [2, 0, 0]);
    assert.equal(await app.warehouse.scalar(`select count(distinct customer_id) from contact_ownership`), 1);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
